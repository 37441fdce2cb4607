"""Comment.email_key: the author's address folded for matching, so the "same
author" and flood rules are index lookups instead of case-insensitive scans."""

from django.db import migrations, models
from django.db.models.functions import Lower, Trim


def fill_email_key(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    # One UPDATE, even at a million comments. SQLite's LOWER folds ASCII only: an
    # address with other capitals is folded in full when its comment is next saved.
    Comment.objects.using(schema_editor.connection.alias).exclude(
        author_email=""
    ).update(email_key=Lower(Trim("author_email")))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderator_group"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="comment",
            name="comment_email_status",
        ),
        migrations.AddField(
            model_name="comment",
            name="email_key",
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.RunPython(fill_email_key, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["email_key", "created_at"], name="comment_email_recent"
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["email_key", "status"], name="comment_email_status"
            ),
        ),
    ]
