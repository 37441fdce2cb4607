"""Comment.email_key: the author's address folded for matching, so the "same
author" and flood rules are index lookups instead of case-insensitive scans."""

from django.db import migrations, models
from django.db.models.functions import Lower, Trim


def fill_email_key(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    comments = Comment.objects.using(schema_editor.connection.alias)
    # One UPDATE, even at a million comments...
    comments.exclude(author_email="").update(email_key=Lower(Trim("author_email")))
    # ...but SQL's LOWER may fold ASCII only (SQLite, a C locale): the few addresses
    # with other letters are folded in Python, as Comment.fold_email() does.
    others = comments.filter(author_email__regex=r"[^ -~]")  # not printable ASCII
    for pk, address in others.values_list("pk", "author_email").iterator():
        comments.filter(pk=pk).update(email_key=address.strip().lower())


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
            field=models.TextField(blank=True, editable=False),
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
