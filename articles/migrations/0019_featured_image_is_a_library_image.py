"""The story's own image columns go: the library image has them (0017)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_featured_image_from_library"),
    ]

    operations = [
        migrations.RemoveField(model_name="article", name="featured_image"),
        migrations.RemoveField(model_name="article", name="featured_image_width"),
        migrations.RemoveField(model_name="article", name="featured_image_height"),
        migrations.RemoveField(model_name="article", name="featured_image_renditions"),
        migrations.RemoveField(model_name="article", name="featured_image_bytes"),
        migrations.RemoveField(model_name="article", name="image_alt"),
        migrations.RenameField(
            model_name="article", old_name="library_image", new_name="featured_image"
        ),
        migrations.AlterField(
            model_name="article",
            name="featured_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Chosen from the image library; its alt text is the library's.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="images.image",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="image_caption",
            field=models.CharField(
                blank=True,
                help_text="Empty: the library image's caption.",
                max_length=500,
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="image_credit",
            field=models.CharField(
                blank=True,
                help_text="Empty: the library image's credit.",
                max_length=250,
            ),
        ),
    ]
