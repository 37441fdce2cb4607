"""The desk roles use the image library (issue 15): every role finds and adds
images (images are shared between stories); editors also edit and delete them.

Written out here, not imported, like 0005_desk_roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = ["images.view_image", "images.add_image"]
ROLES = {
    "Contributor": WRITER,
    "Author": WRITER,
    "Editor": [*WRITER, "images.change_image", "images.delete_image"],
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="images",
        codename__in=[dotted.split(".")[1] for dotted in codenames],
    )


def grant(apps, schema_editor):
    # On a fresh database permissions are only created after all migrations ran.
    app_config = apps.get_app_config("images")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*_permissions(apps, ROLES[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_featured_image_is_a_library_image"),
        ("images", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
