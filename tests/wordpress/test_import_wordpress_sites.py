"""import_wordpress knows whose IDs it reads: two WordPress sites (site-a.xml and
site-b.xml, both with a post 4, comments 2–6 and an attachment 9) never update each
other's stories, and a re-import reflects what was deleted on that site only."""

from pathlib import Path

import pytest

from articles.models import Article, Author
from comments.models import Comment
from images.models import Image
from tests.support.factories import image_file
from tests.support.wordpress import row, run_import
from wordpress.models import WordPressImport

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wxr"
SITE_A = FIXTURES / "site-a.xml"
SITE_B = FIXTURES / "site-b.xml"
A, B = "a.example.org", "b.example.net"


def story(site: str, wp_id: int) -> Article:
    mapping = WordPressImport.objects.get(site=site, kind="post", wp_id=str(wp_id))
    return Article.objects.get(pk=mapping.object_id)


def comment(site: str, wp_id: int) -> Comment:
    mapping = WordPressImport.objects.get(site=site, kind="comment", wp_id=str(wp_id))
    return Comment.objects.get(pk=mapping.object_id)


def edited(tmp_path, source: Path, name: str, *replacements) -> Path:
    text = source.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


def trashed(tmp_path, source=SITE_A, wp_id=5) -> Path:
    """The export again, with post `wp_id` in WordPress's trash."""
    text = source.read_text()
    start = text.index(f"<wp:post_id>{wp_id}</wp:post_id>")
    status = text.index("<wp:status><![CDATA[publish]]></wp:status>", start)
    text = (
        text[:status]
        + "<wp:status><![CDATA[trash]]></wp:status>"
        + text[status + len("<wp:status><![CDATA[publish]]></wp:status>") :]
    )
    path = tmp_path / f"trashed-{source.name}"
    path.write_text(text)
    return path


def without_comment(tmp_path, wp_id: int, source=SITE_A) -> Path:
    """The export again without comment `wp_id` (WordPress leaves trash out)."""
    text = source.read_text()
    start = text.index(f"<wp:comment_id>{wp_id}</wp:comment_id>")
    start = text.rindex("<wp:comment>", 0, start)
    end = text.index("</wp:comment>", start) + len("</wp:comment>")
    path = tmp_path / f"without-{wp_id}-{source.name}"
    path.write_text(text[:start] + text[end:])
    return path


@pytest.fixture
def uploads(tmp_path):
    """wp-content/uploads of either site: both have 2020/03/ferry.jpg."""
    folder = tmp_path / "uploads"
    (folder / "2020" / "03").mkdir(parents=True)
    (folder / "2020" / "03" / "ferry.jpg").write_bytes(image_file().read())
    return folder


# --- two sites ------------------------------------------------------------------------


def test_second_sites_post_with_the_same_id_is_a_new_story():
    run_import(SITE_A)
    report = run_import(SITE_B)
    assert Article.objects.count() == 3
    assert row(report, "stories") == [1, 0, 0, 0, 0]
    assert "The ferry is back in service." in story(A, 4).body
    assert "The valley ferry runs again." in story(B, 4).body
    assert story(A, 4) != story(B, 4)


def test_second_sites_comments_never_rewrite_the_first_sites():
    run_import(SITE_A)
    report = run_import(SITE_B)
    assert Comment.objects.count() == 10
    assert row(report, "comments") == [5, 0, 0, 0, 0]
    assert [comment(A, n).author_name for n in range(2, 7)] == [
        "Ann",
        "Ben",
        "Cat",
        "Dan",
        "Eve",
    ]
    assert comment(A, 3).parent == comment(A, 2)
    assert comment(B, 4).parent == comment(B, 2)
    assert {c.article_id for c in story(A, 4).comments.all()} == {story(A, 4).pk}


def test_second_sites_featured_image_does_not_take_over_the_first_sites(uploads):
    run_import(SITE_A, "--media-dir", str(uploads))
    image_a = story(A, 4).featured_image
    run_import(SITE_B, "--media-dir", str(uploads))
    ferry_a, ferry_b = story(A, 4), story(B, 4)
    assert ferry_a.featured_image == image_a
    assert ferry_a.featured_image.alt_text == "The ferry at the quay"
    # The same file (same bytes) in both exports: one library image, reused.
    assert ferry_b.featured_image == image_a
    assert Image.objects.count() == 1


def test_same_slug_on_the_same_day_gets_a_suffix_and_a_report_line(client):
    run_import(SITE_A)
    report = run_import(SITE_B)
    assert story(A, 4).get_absolute_url() == "/2020/03/10/the-ferry-returns/"
    assert story(B, 4).get_absolute_url() == "/2020/03/10/the-ferry-returns-2/"
    assert (
        "address taken by another story that day: a suffix was added (1): "
        "#4 “The ferry returns” → /2020/03/10/the-ferry-returns-2/" in report
    )
    assert (
        "The valley ferry"
        in client.get("/2020/03/10/the-ferry-returns-2/").content.decode()
    )


def test_second_site_gets_bylines_of_its_own():
    run_import(SITE_A)
    run_import(SITE_B)
    assert [a.name for a in story(A, 4).byline_list] == ["Ann Editor"]
    assert [a.name for a in story(B, 4).byline_list] == ["Bob Editor"]


def test_report_names_the_site_and_says_how_to_join_a_renamed_one():
    first = run_import(SITE_A)
    assert "Site: a.example.org — imported for the first time" in first
    second = run_import(SITE_B)
    assert "Site: b.example.net — imported for the first time" in second
    assert (
        "Stories from a.example.org are left as they are. If this is one of those "
        "sites under a new address, import with --site a.example.org instead." in second
    )


def test_site_option_says_a_moved_site_is_the_same_site(tmp_path):
    run_import(SITE_A)
    moved = edited(
        tmp_path,
        SITE_A,
        "moved.xml",
        ("https://a.example.org", "https://news.example.org"),
        ("The ferry is back in service.", "The ferry is back, says the new site."),
    )
    report = run_import(moved, "--site", "https://a.example.org/")
    assert Article.objects.count() == 2
    assert "the new site" in story(A, 4).body
    assert row(report, "stories") == [0, 1, 1, 0, 0]
    assert (
        "Site: a.example.org (given with --site; the export says news.example.org)"
        in report
    )
    assert not WordPressImport.objects.filter(site="news.example.org").exists()


def test_http_and_https_addresses_are_the_same_site(tmp_path):
    run_import(SITE_A)
    plain = edited(
        tmp_path,
        SITE_A,
        "http.xml",
        ("<link>https://a.example.org</link>", "<link>http://a.example.org</link>"),
        ("<wp:base_blog_url>https://", "<wp:base_blog_url>http://"),
    )
    report = run_import(plain)
    assert "Site: a.example.org\n" in report
    assert row(report, "stories") == [0, 0, 2, 0, 0]


def test_export_that_names_no_site_is_refused_until_one_is_given(tmp_path):
    from django.core.management import CommandError

    anonymous = edited(
        tmp_path,
        SITE_A,
        "anonymous.xml",
        ("<link>https://a.example.org</link>", "<link></link>"),
        ("<wp:base_site_url>https://a.example.org</wp:base_site_url>", ""),
        ("<wp:base_blog_url>https://a.example.org</wp:base_blog_url>", ""),
    )
    with pytest.raises(CommandError, match="does not say which site it comes from"):
        run_import(anonymous)
    assert not Article.objects.exists()
    run_import(anonymous, "--site", "a.example.org")
    assert story(A, 4).headline == "The ferry returns"


# --- records from before sites were recorded -------------------------------------------


def forget_sites():
    """The state a database upgraded from before sites were recorded is in."""
    WordPressImport.objects.update(site="")


def test_records_from_before_sites_are_claimed_by_their_own_sites_export():
    run_import(SITE_A)
    forget_sites()
    report = run_import(SITE_A)
    assert (
        "now belong to a.example.org (2 of the 2 posts they share with this export "
        "are unchanged since they were imported)" in report
    )
    assert row(report, "stories") == [0, 0, 2, 0, 0]
    assert not WordPressImport.objects.filter(site="").exists()


def test_another_sites_export_is_refused_until_the_newsroom_says_whose_they_are():
    from django.core.management import CommandError

    run_import(SITE_A)
    forget_sites()
    with pytest.raises(CommandError, match="may or may not be from b.example.net"):
        run_import(SITE_B)
    assert Article.objects.count() == 2
    report = run_import(SITE_B, "--unattributed", "leave")
    assert row(report, "stories") == [1, 0, 0, 0, 0]
    assert Article.objects.count() == 3
    assert WordPressImport.objects.filter(site="", kind="post").count() == 2
    legacy = WordPressImport.objects.get(site="", kind="post", wp_id="4")
    assert (
        "The ferry is back in service." in Article.objects.get(pk=legacy.object_id).body
    )


def test_own_sites_changed_export_claims_them_when_told(tmp_path):
    run_import(SITE_A)
    forget_sites()
    changed = edited(
        tmp_path,
        SITE_A,
        "changed.xml",
        ("The ferry is back in service.", "The ferry is back for good."),
        ("Dues go up in April.", "Dues go up in May."),
    )
    report = run_import(changed, "--unattributed", "claim")
    assert row(report, "stories") == [0, 2, 0, 0, 0]
    assert Article.objects.count() == 2
    assert "back for good" in story(A, 4).body


# --- deletions ----------------------------------------------------------------------------


def test_post_trashed_on_wordpress_is_unpublished_by_a_reimport(tmp_path, client):
    run_import(SITE_A)
    assert client.get("/2020/03/11/harbour-dues-rise/").status_code == 200
    report = run_import(trashed(tmp_path))
    assert story(A, 5).status == Article.Status.DRAFT
    assert client.get("/2020/03/11/harbour-dues-rise/").status_code == 404
    assert row(report, "stories") == [0, 0, 1, 0, 1]
    assert (
        "stories — in WordPress's trash: unpublished (now a draft) (1): "
        "#5 “Harbour dues rise”" in report
    )


def test_story_withdrawn_once_is_left_to_the_desk_afterwards(tmp_path):
    export = trashed(tmp_path)
    run_import(SITE_A)
    run_import(export)
    Article.objects.filter(pk=story(A, 5).pk).update(status=Article.Status.PUBLISHED)
    report = run_import(export)
    assert story(A, 5).status == Article.Status.PUBLISHED
    assert row(report, "stories") == [0, 0, 2, 0, 0]


def test_post_restored_from_the_trash_is_published_again(tmp_path):
    run_import(SITE_A)
    run_import(trashed(tmp_path))
    run_import(SITE_A)
    assert story(A, 5).status == Article.Status.PUBLISHED


def test_comment_no_longer_in_the_export_is_trashed_by_a_reimport(tmp_path):
    run_import(SITE_A)
    assert comment(A, 5).status == Comment.Status.APPROVED
    report = run_import(without_comment(tmp_path, 5))
    assert comment(A, 5).status == Comment.Status.TRASH
    assert story(A, 4).comment_count == 3
    assert row(report, "comments") == [0, 0, 4, 0, 1]
    assert "comments — no longer in the export: moved to the trash (1): #5" in report


def test_keep_deleted_reports_deletions_and_changes_nothing(tmp_path):
    run_import(SITE_A)
    export = without_comment(tmp_path, 5, source=trashed(tmp_path))
    report = run_import(export, "--keep-deleted")
    assert story(A, 5).status == Article.Status.PUBLISHED
    assert comment(A, 5).status == Comment.Status.APPROVED
    assert "in WordPress's trash, kept here (--keep-deleted) (1)" in report
    assert "no longer in the export, kept here (--keep-deleted) (1): #5" in report
    assert row(report, "stories")[4] == 0 and row(report, "comments")[4] == 0


def test_deletions_on_one_site_never_touch_another_sites_stories(tmp_path):
    run_import(SITE_A)
    run_import(SITE_B)
    b_trashed = trashed(tmp_path, source=SITE_B, wp_id=4)
    b_quiet = without_comment(tmp_path, 2, source=b_trashed)
    run_import(b_quiet)
    assert story(B, 4).status == Article.Status.DRAFT
    assert story(A, 4).status == Article.Status.PUBLISHED
    assert comment(A, 2).status == Comment.Status.APPROVED


def test_dry_run_of_a_reimport_with_deletions_changes_nothing(tmp_path):
    run_import(SITE_A)
    report = run_import(
        without_comment(tmp_path, 5, source=trashed(tmp_path)), "--dry-run"
    )
    assert story(A, 5).status == Article.Status.PUBLISHED
    assert comment(A, 5).status == Comment.Status.APPROVED
    assert row(report, "stories")[4] == 1


# --- the figures in the report of this change ----------------------------------------------


def test_two_sites_then_a_reimport_with_a_trashed_post(tmp_path):
    run_import(SITE_A)
    after_a = (Article.objects.count(), Comment.objects.count())
    run_import(SITE_B)
    after_b = (Article.objects.count(), Comment.objects.count())
    run_import(trashed(tmp_path, wp_id=4))
    assert after_a == (2, 5)
    assert after_b == (3, 10)
    assert Article.objects.count() == 3
    assert Article.objects.published().count() == 2
    assert story(A, 4).status == Article.Status.DRAFT
    assert story(B, 4).is_published()
    assert Comment.objects.count() == 10
    assert Author.objects.count() == 2


def test_p_link_shared_by_two_sites_redirects_to_one_live_story(client):
    run_import(SITE_A)
    run_import(SITE_B)
    response = client.get("/?p=4")
    assert response.status_code == 301
    assert response["Location"] in {
        story(A, 4).get_absolute_url(),
        story(B, 4).get_absolute_url(),
    }


def test_site_option_that_is_no_address_is_refused():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="is not a site address"):
        run_import(SITE_A, "--site", "https://")
    assert not Article.objects.exists()
