"""The import records moved from the articles app to the wordpress app (issue 14)
without losing a row: a site imported before the move is still recognised after it."""

import pytest

from tests.support import migrations as migration_fixtures
from tests.support.migrations import migrate

BEFORE = [
    ("wordpress", None),
    ("articles", "0014_article_address"),
    ("contenttypes", "0002_remove_content_type_name"),
]
AFTER = [("articles", "0015_wordpress_import_leaves"), ("wordpress", "0001_initial")]

# Shared with the other migration tests (tests/support/migrations.py).
back_to_the_latest_schema = migration_fixtures.back_to_the_latest_schema


@pytest.mark.django_db(transaction=True)
def test_import_records_and_their_permissions_survive_the_move():
    old = migrate(BEFORE)
    old_record = old.get_model("articles", "WordPressImport")
    content_types = old.get_model("contenttypes", "ContentType")
    old_record.objects.create(
        site="herald.example.com", kind="post", wp_id="7", object_id=41
    )
    # Before the move, the model's content type was the articles app's.
    content_types.objects.filter(app_label="wordpress").delete()
    old_type, _ = content_types.objects.get_or_create(
        app_label="articles", model="wordpressimport"
    )
    # A permission granted before the move stays granted after it.
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        codename="view_wordpressimport", content_type=old_type
    )

    new = migrate(AFTER)

    record = new.get_model("wordpress", "WordPressImport").objects.get()
    assert (record.site, record.kind, record.wp_id, record.object_id) == (
        "herald.example.com",
        "post",
        "7",
        41,
    )
    moved = new.get_model("contenttypes", "ContentType").objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("wordpress", "wordpressimport")
    assert (
        new.get_model("auth", "Permission")
        .objects.get(pk=permission.pk)
        .content_type_id
        == old_type.pk
    )


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone():
    migrate(AFTER)
    old = migrate(BEFORE)
    old.get_model("articles", "WordPressImport").objects.create(
        site="a.example", kind="comment", wp_id="3", object_id=5
    )
    assert old.get_model("articles", "WordPressImport").objects.count() == 1
