"""The newsroom's roles as groups. See articles/workflow.py and docs/workflow.md.

The permission lists are written out here (not imported) so this migration keeps
meaning the same thing however the code changes later.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = [
    "articles.add_article",
    "articles.change_own_article",
    "articles.view_section",
    "articles.view_author",
    "articles.add_byline",
    "articles.change_byline",
    "articles.delete_byline",
    "articles.view_byline",
    "articles.add_quote",
    "articles.change_quote",
    "articles.delete_quote",
    "articles.view_quote",
    "articles.view_correction",
]
ROLES = {
    "Contributor": WRITER,
    "Author": [*WRITER, "articles.publish_own_article"],
    "Editor": [
        f"articles.{action}_{model}"
        for model in (
            "article",
            "section",
            "author",
            "byline",
            "quote",
            "correction",
            "previewlink",
            "articleredirect",
        )
        for action in ("add", "change", "delete", "view")
    ]
    + [
        "articles.change_own_article",
        "articles.publish_own_article",
        "articles.publish_article",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "taggit.view_tag",
    ],
}


def create_roles(apps, schema_editor):
    # On a fresh database permissions are only created after all migrations ran.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_desk_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
