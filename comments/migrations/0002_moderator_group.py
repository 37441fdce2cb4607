"""The Moderator group: may moderate comments and nothing else."""

from django.db import migrations

MODERATOR_PERMISSIONS = ["view_comment", "change_comment", "moderate_comment"]


def create_moderator_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # On a fresh database permissions are only created after all migrations ran.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderator")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=MODERATOR_PERMISSIONS
        )
    )


def remove_moderator_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_comments_and_discussion_settings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_moderator_group, remove_moderator_group),
    ]
