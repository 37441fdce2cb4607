"""Import records say which WordPress site they came from.

Records made before this migration keep an empty site: nothing stored says which
site they came from (the export's address was never kept), and a migration cannot
read the export. The next import whose export holds the very data they were made
from (most shared posts have the fingerprint the records kept) claims them all for
its site; when the export does not show it, the import refuses and asks
(--unattributed claim or leave). See docs/import.md.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_record_featured_image_sizes"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="wordpressimport",
            name="wordpress_import_once",
        ),
        migrations.AddField(
            model_name="wordpressimport",
            name="site",
            field=models.CharField(
                blank=True,
                help_text="The blog's address without http(s)://, e.g. herald.example.com. Empty for records made before sites were recorded, until an import of their site claims them (docs/import.md).",
                max_length=200,
                verbose_name="WordPress site",
            ),
        ),
        migrations.AddIndex(
            model_name="wordpressimport",
            index=models.Index(fields=["kind", "wp_id"], name="wordpress_import_wp_id"),
        ),
        migrations.AddIndex(
            model_name="wordpressimport",
            index=models.Index(
                fields=["kind", "object_id"], name="wordpress_import_object"
            ),
        ),
        migrations.AddConstraint(
            model_name="wordpressimport",
            constraint=models.UniqueConstraint(
                fields=("site", "kind", "wp_id"), name="wordpress_import_once_per_site"
            ),
        ),
    ]
