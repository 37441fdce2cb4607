from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_taggeditem_tag_object_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="featured_image_bytes",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True),
        ),
    ]
