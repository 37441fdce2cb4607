"""Editors (the role) may keep hand-written HTML in story bodies."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="articles", codename="keep_raw_html"
    )
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="articles", codename="keep_raw_html"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_raw_html")]

    operations = [migrations.RunPython(grant, revoke)]
