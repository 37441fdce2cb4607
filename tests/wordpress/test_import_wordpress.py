"""import_wordpress, story by story, on the hand-written export tests/fixtures/wxr/newsroom.xml.

The export is of a WordPress site whose time zone is Europe/London (our default
TIME_ZONE): a block-editor post with a cited quote, a tweet embed block, a featured
image and a comment thread in all four statuses plus a pingback; a classic-editor
post with a Unicode slug, emoji, a "— Name" quote, an embedded tweet and an
unattributed blockquote; a scheduled post; a draft and a pending post with
0000-00-00 GMT dates; a trashed post; a published post without any date; a page.
"""

import gzip
import shutil
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Quote, Section
from comments.models import Comment
from images.models import Image
from tests.support.factories import image_file, make_author
from wordpress.models import WordPressImport

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wxr"
EXPORT = FIXTURES / "newsroom.xml"
PUTIN = "/2016/11/09/putin-congratulates-trump/"
FESTIVAL = "/2016/07/01/праздник/"


def run_import(path=EXPORT, *args) -> str:
    out = StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def story(wp_id: int) -> Article:
    mapping = WordPressImport.objects.get(kind="post", wp_id=str(wp_id))
    return Article.objects.get(pk=mapping.object_id)


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads holding the featured image of post 11."""
    folder = tmp_path / "uploads"
    (folder / "2016" / "11").mkdir(parents=True)
    (folder / "2016" / "11" / "putin.jpg").write_bytes(image_file().read())
    inline = image_file(size=(300, 200), image_format="PNG").read()
    (folder / "2016" / "11" / "kremlin-300x200.jpg").write_bytes(inline)
    return folder


def row(report: str, name: str) -> list[int]:
    """created, updated, unchanged, skipped for one row of the report table."""
    line = next(line for line in report.splitlines() if line.startswith(f"{name} "))
    return [int(n) for n in line.split()[1:]]


# --- stories and URLs ---------------------------------------------------------------


def test_published_post_is_at_its_wordpress_url(client):
    run_import()
    response = client.get(PUTIN)
    assert response.status_code == 200
    assert (
        "Putin congratulates Trump on his “shocking” win" in response.content.decode()
    )


def test_unicode_slug_post_is_at_its_wordpress_url_in_site_time(client):
    # Published 00:30 BST on 1 July = 23:30 GMT on 30 June: the URL follows
    # WordPress's local date, which is also ours with the same time zone.
    run_import()
    festival = story(12)
    assert festival.slug == "праздник"
    assert festival.published_at == datetime(2016, 6, 30, 23, 30, tzinfo=UTC)
    assert client.get(FESTIVAL).status_code == 200
    assert "fireworks 🎆 and a record crowd" in client.get(FESTIVAL).content.decode()


def test_headline_entities_and_excerpt_html_become_plain_text():
    run_import()
    putin = story(11)
    assert putin.headline == "Putin congratulates Trump on his “shocking” win"
    assert putin.standfirst == "The Kremlin & the White House: a telegram."


def test_block_comments_classes_and_event_handlers_are_removed():
    run_import()
    body = story(11).body
    assert "wp:" not in body and "<!--" not in body
    assert "class=" not in body and "style=" not in body and "onclick" not in body
    assert (
        "<p>Russia’s president sent a telegram within hours of the result.</p>" in body
    )
    assert "<p>Markets opened lower everywhere.</p>" in body


def test_classic_text_gets_paragraphs_and_line_breaks():
    run_import()
    body = story(12).body
    assert body.startswith(
        "<p>Thousands came to the quay for the midnight fireworks.<br>\n"
        "It was the biggest crowd in a decade.</p>"
    )
    assert "<p>The mayor was delighted.</p>" in body
    assert "<p><strong>Next year:</strong> the first of July again.</p>" in body


def test_future_post_is_scheduled_and_hidden_until_its_time(client):
    run_import()
    bridge = story(13)
    assert bridge.status == Article.Status.PUBLISHED
    assert bridge.published_at == datetime(2030, 1, 15, 7, 0, tzinfo=UTC)
    assert bridge.is_scheduled()
    assert client.get("/2030/01/15/the-new-bridge-opens/").status_code == 404


def test_draft_with_zero_gmt_date_is_a_draft_without_publish_time():
    run_import()
    draft = story(14)
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None
    assert draft.slug == "budget-draft"  # WordPress had not given it a slug yet
    assert draft.body == "<p>Notes for the budget story.</p>"


def test_pending_post_is_in_review():
    run_import()
    assert story(15).status == Article.Status.REVIEW


def test_trashed_and_undated_posts_are_reported_and_skipped():
    report = run_import()
    assert not WordPressImport.objects.filter(wp_id__in=["16", "17"]).exists()
    assert Article.objects.count() == 5
    assert "in WordPress's trash (1): #16 “Old story nobody wanted”" in report
    assert (
        "no valid publication date (WordPress left it as 0000-00-00 00:00:00) (1): "
        "#17 “A story with no date”" in report
    )
    assert row(report, "stories") == [5, 0, 0, 2, 0]


def test_pages_are_not_imported_and_are_counted():
    report = run_import()
    assert not Article.objects.filter(headline="About us").exists()
    assert "Not stories, not imported: 1 page." in report


# --- quotes -----------------------------------------------------------------------


def test_blockquote_with_cite_becomes_a_quote_where_it_stood(client):
    run_import()
    putin = story(11)
    quote = putin.quotes.get(number=1)
    assert quote.text == (
        "Russia is ready and wants to restore full-fledged relations with the United States."
    )
    assert (quote.speaker, quote.speaker_role, quote.kind) == (
        "Vladimir Putin",
        "President of Russia",
        Quote.Kind.STATEMENT,
    )
    body = putin.body
    assert body.index("telegram within hours") < body.index("<p>[quote 1]</p>")
    assert body.index("<p>[quote 1]</p>") < body.index("Chess champions")
    page = client.get(PUTIN).content.decode()
    assert 'id="quote-1"' in page and "[quote 1]" not in page


def test_tweet_embed_block_becomes_a_tweet_quote_with_its_url():
    run_import()
    tweet = story(11).quotes.get(number=2)
    assert tweet.kind == Quote.Kind.TWEET
    assert (
        tweet.source_url == "https://twitter.com/Kasparov63/status/796447283138580480"
    )
    assert tweet.speaker == "@Kasparov63"
    assert tweet.source_name == "Twitter (@Kasparov63)"
    assert story(11).body.index("Chess champions") < story(11).body.index("[quote 2]")


def test_blockquote_with_a_trailing_dash_line_becomes_an_attributed_quote():
    run_import()
    quote = story(12).quotes.get(number=1)
    assert quote.text == "We will do it again next year, and it will be bigger."
    assert (quote.speaker, quote.speaker_role) == ("Ada Okafor", "Council leader")


def test_embedded_tweet_keeps_its_text_author_date_and_clean_url():
    run_import()
    tweet = story(12).quotes.get(number=2)
    assert tweet.kind == Quote.Kind.TWEET
    assert tweet.text == "Too loud at midnight! 😤 pic.twitter.com/abc123"
    assert tweet.speaker == "Harbour Resident"
    assert tweet.source_name == "Twitter (@harbourres)"
    assert (
        tweet.source_url == "https://twitter.com/harbourres/status/748640000000000000"
    )
    assert tweet.said_on == date(2016, 6, 30)
    assert "platform.twitter.com" not in story(12).body


def test_blockquote_naming_nobody_stays_in_the_body_with_paragraphs():
    run_import()
    festival = story(12)
    assert festival.quotes.count() == 2
    assert (
        "<blockquote>\n<p>Fireworks end at 00:30.<br>\nPlease take your litter home.</p>\n"
        "</blockquote>" in festival.body
    )


# --- taxonomies and people -------------------------------------------------------------


def test_first_category_is_the_section_and_further_categories_are_tags():
    run_import()
    putin = story(11)
    assert putin.section.name == "Politics" and putin.section.slug == "politics"
    assert set(putin.tags.names()) == {"Donald Trump", "Vladimir Putin", "World"}


def test_uncategorized_is_never_a_section():
    run_import()
    assert story(12).section.slug == "local"
    assert story(14).section is None
    assert not Section.objects.filter(slug="uncategorized").exists()


def test_unicode_tag_is_imported_and_its_page_works(client):
    run_import()
    tag = Tag.objects.get(name="праздник")
    assert client.get(reverse("articles:tag", args=[tag.slug])).status_code == 200


def test_authors_become_contributor_bylines_without_accounts(django_user_model):
    run_import()
    assert [a.name for a in story(11).byline_list] == ["Jane Smith"]
    assert [a.name for a in story(12).byline_list] == ["Иван Козлов"]
    assert not Author.objects.filter(user__isnull=False).exists()
    assert not django_user_model.objects.exists()


def test_wordpress_author_joins_an_existing_byline_of_the_same_name():
    jane = make_author(name="Jane Smith", slug="jane-smith")
    run_import()
    assert story(11).byline_list == [jane]
    assert Author.objects.filter(name="Jane Smith").count() == 1


# --- images ---------------------------------------------------------------------------


def test_featured_image_is_imported_with_alt_caption_and_credit(
    uploads, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # renditions
        report = run_import(EXPORT, "--media-dir", str(uploads))
    putin = story(11)
    image = putin.featured_image  # a library image, with the attachment's texts
    assert image.width == 1200
    assert image.alt_text == "putin"
    assert image.caption == "Vladimir Putin at the Kremlin, 9 November 2016"
    assert image.credit == "Reuters"
    assert image.renditions
    assert putin.featured_caption == image.caption  # no override of its own
    assert putin.featured_credit == "Reuters"
    assert row(report, "images") == [2, 0, 0, 0, 0]  # and the image in the body
    assert 'alt="putin"' in client.get(PUTIN).content.decode()


def test_missing_image_file_is_reported_and_the_story_still_imports(tmp_path):
    empty = tmp_path / "uploads"
    empty.mkdir()
    report = run_import(EXPORT, "--media-dir", str(empty))
    assert not story(11).featured_image
    assert "file missing: 2016/11/putin.jpg (1)" in report


def test_image_missing_at_first_is_added_when_the_media_dir_is_given(uploads):
    run_import()
    assert not story(11).featured_image
    report = run_import(EXPORT, "--media-dir", str(uploads))
    assert story(11).featured_image
    assert row(report, "images") == [2, 0, 0, 0, 0]
    # The first run with --media-dir re-applies every story (to copy body images).
    assert row(report, "stories") == [0, 5, 0, 2, 0]
    assert Article.objects.count() == 5


# --- comments -------------------------------------------------------------------------


def comment(wp_id: int) -> Comment:
    mapping = WordPressImport.objects.get(kind="comment", wp_id=str(wp_id))
    return Comment.objects.get(pk=mapping.object_id)


def test_comments_keep_their_threads():
    run_import()
    assert comment(101).parent is None
    assert comment(102).parent == comment(101)
    assert comment(103).parent == comment(102)
    assert comment(105).parent == comment(101)
    assert [comment(n).depth for n in (101, 102, 103)] == [1, 2, 3]


def test_comments_keep_all_four_statuses():
    run_import()
    assert [comment(n).status for n in (101, 102, 103, 104, 105)] == [
        "approved",
        "approved",
        "pending",
        "spam",
        "trash",
    ]


def test_comment_keeps_author_email_website_ip_and_date():
    run_import()
    olga = comment(101)
    assert olga.author_name == "Olga"
    assert olga.author_email == "olga@example.org"
    assert olga.author_url == "https://olga.example.org/"
    assert olga.ip_address == "203.0.113.7"
    assert olga.created_at == datetime(2016, 11, 9, 11, 2, tzinfo=UTC)
    assert olga.content == "Nobody saw this coming 😮"


def test_comment_website_that_is_not_http_is_dropped():
    run_import()
    assert comment(102).author_url == ""
    assert comment(105).ip_address is None  # WordPress had "unknown"


def test_pingback_is_skipped_and_counted():
    report = run_import()
    assert not WordPressImport.objects.filter(kind="comment", wp_id="106").exists()
    assert Comment.objects.count() == 5
    assert "comments — pingback or trackback (1)" in report


def test_comment_count_counts_only_approved_comments(client):
    run_import()
    assert story(11).comment_count == 2
    page = client.get(PUTIN).content.decode()
    assert "Plenty of people did." in page
    assert (
        "Name one." not in page and "Buy" not in page and "Something rude." not in page
    )


def test_comments_closed_on_wordpress_are_closed_here():
    run_import()
    assert story(11).allow_comments is True
    assert story(12).allow_comments is False


# --- ?p=ID ----------------------------------------------------------------------------


def test_wordpress_p_link_redirects_permanently_to_the_story(client):
    run_import()
    response = client.get("/?p=11")
    assert response.status_code == 301
    assert response["Location"] == PUTIN


def test_wordpress_p_link_to_a_draft_scheduled_or_unknown_post_is_404(client):
    run_import()
    for wp_id in ("14", "13", "999", "abc", "", "１１", "9" * 5000):
        assert client.get("/", {"p": wp_id}).status_code == 404, wp_id


# --- re-import and dry run ----------------------------------------------------------------


def everything() -> dict[str, int]:
    return {
        "stories": Article.objects.count(),
        "quotes": Quote.objects.count(),
        "comments": Comment.objects.count(),
        "tags": Tag.objects.count(),
        "sections": Section.objects.count(),
        "bylines": Author.objects.count(),
        "records": WordPressImport.objects.count(),
    }


def test_importing_the_same_file_twice_creates_no_duplicates(uploads):
    run_import(EXPORT, "--media-dir", str(uploads))
    before = everything()
    image = story(11).featured_image
    images_before = Image.objects.count()
    report = run_import(EXPORT, "--media-dir", str(uploads))
    assert everything() == before
    assert story(11).featured_image == image
    assert Image.objects.count() == images_before
    assert row(report, "stories") == [0, 0, 5, 2, 0]
    assert row(report, "comments") == [0, 0, 5, 1, 0]
    assert story(11).comment_count == 2


def test_edits_made_here_survive_a_reimport_of_the_same_file():
    run_import()
    putin = story(11)
    putin.headline = "Edited at our desk"
    putin.save()
    comment(103).approve()
    run_import()
    assert story(11).headline == "Edited at our desk"
    assert comment(103).status == "approved"
    assert story(11).comment_count == 3


def test_reimport_of_a_changed_export_updates_what_changed(tmp_path):
    run_import()
    changed = tmp_path / "changed.xml"
    text = EXPORT.read_text()
    text = text.replace("Markets opened lower", "Markets closed higher")
    text = text.replace(
        "<wp:comment_approved><![CDATA[0]]></wp:comment_approved>",
        "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>",
    )
    changed.write_text(text)
    before = everything()
    report = run_import(changed)
    assert everything() == before
    assert "Markets closed higher" in story(11).body
    assert comment(103).status == "approved"
    assert story(11).comment_count == 3
    assert row(report, "stories") == [0, 1, 4, 2, 0]
    assert row(report, "comments") == [0, 1, 4, 1, 0]


def test_dry_run_writes_nothing(uploads, settings):
    report = run_import(EXPORT, "--media-dir", str(uploads), "--dry-run")
    assert set(everything().values()) == {0}
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        Path(settings.MEDIA_ROOT).rglob("*.*")
    )
    assert "DRY RUN: nothing was written" in report
    assert row(report, "stories") == [5, 0, 0, 2, 0]
    assert row(report, "comments") == [5, 0, 0, 1, 0]
    assert row(report, "images") == [2, 0, 0, 0, 0]


def test_gzipped_export_is_imported(tmp_path, client):
    packed = tmp_path / "export.xml.gz"
    with EXPORT.open("rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    run_import(packed)
    assert client.get(PUTIN).status_code == 200


# --- time zones and the report ---------------------------------------------------------------


def test_a_time_zone_unlike_wordpress_is_warned_about(settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.deactivate()
    report = run_import()
    assert "TIME_ZONE is America/New_York, but WordPress's local times differ" in report
    assert "fall on another day" in report
    # The publish instant is still right; only the dated URL moved.
    assert story(12).published_at == datetime(2016, 6, 30, 23, 30, tzinfo=UTC)


def test_matching_time_zone_gives_no_url_warnings():
    report = run_import()
    assert "TIME_ZONE" not in report
    assert "stories have a different URL" not in report


def test_report_counts_every_row():
    report = run_import()
    assert row(report, "quotes") == [4, 0, 0, 0, 0]
    assert row(report, "tags") == [4, 0, 0, 0, 0]
    assert row(report, "sections") == [2, 0, 0, 0, 0]
    assert row(report, "bylines") == [2, 0, 0, 0, 0]
    assert row(report, "images") == [0, 0, 0, 1, 0]
    assert "no --media-dir given (1)" in report


def test_quiet_import_prints_nothing():
    out, err = StringIO(), StringIO()
    call_command("import_wordpress", str(EXPORT), verbosity=0, stdout=out, stderr=err)
    assert out.getvalue() == "" and err.getvalue() == ""
    assert Article.objects.count() == 5


def test_imported_story_reads_like_one_written_here(client):
    run_import()
    published_stories = Article.objects.published()
    assert set(published_stories.values_list("slug", flat=True)) == {
        "putin-congratulates-trump",
        "праздник",
    }
    home = client.get("/").content.decode()
    assert "Putin congratulates Trump" in home
    day = client.get("/2016/11/09/").content.decode()
    assert "Putin congratulates Trump" in day
    assert timezone.now() - story(11).created_at < timedelta(minutes=5)


def test_a_still_missing_image_does_not_make_a_reimport_rewrite_stories(tmp_path):
    empty = tmp_path / "uploads"
    empty.mkdir()
    run_import(EXPORT, "--media-dir", str(empty))
    report = run_import(EXPORT, "--media-dir", str(empty))
    assert row(report, "stories") == [0, 0, 5, 2, 0]


def test_attachment_path_leaving_the_media_dir_is_refused(tmp_path, uploads):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(image_file().read())
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(
        EXPORT.read_text().replace(
            "wp-content/uploads/2016/11/putin.jpg]]></wp:attachment_url>",
            "wp-content/uploads/../secret.jpg]]></wp:attachment_url>",
        )
    )
    report = run_import(hostile, "--media-dir", str(uploads))
    assert not story(11).featured_image
    assert "the attachment path leaves --media-dir (1)" in report


def test_password_protected_post_is_imported_as_a_draft(tmp_path, client):
    protected = tmp_path / "protected.xml"
    protected.write_text(
        EXPORT.read_text().replace(
            "<wp:post_password><![CDATA[]]></wp:post_password>",
            "<wp:post_password><![CDATA[secret]]></wp:post_password>",
        )
    )
    report = run_import(protected)
    assert story(11).status == Article.Status.DRAFT
    assert client.get(PUTIN).status_code == 404
    assert "password-protected on WordPress: imported as a draft" in report


def test_comments_that_cannot_be_saved_are_reported_and_the_story_stays(monkeypatch):
    from django.db import IntegrityError

    from wordpress import comment_import

    def refuse(self):
        raise IntegrityError("UNIQUE constraint failed: comments_comment.fingerprint")

    monkeypatch.setattr(comment_import.CommentImport, "run", refuse)
    report = run_import()
    assert story(11).headline.startswith("Putin congratulates Trump")
    assert not Comment.objects.exists()
    assert "comments — could not be saved (IntegrityError: UNIQUE constraint" in report


def test_image_in_a_body_is_copied_into_the_library_and_served_here(uploads, settings):
    run_import(EXPORT, "--media-dir", str(uploads))
    body = story(11).body
    inline = Image.objects.get(original_name="kremlin-300x200.jpg")
    assert f'<img src="{inline.file.url}" alt="The Kremlin at dusk"' in body
    assert inline.file.url.startswith("/media/library/")
    assert body.count("herald.example.com/wp-content") == 1  # only the PDF link
    assert (Path(settings.MEDIA_ROOT) / inline.file.name).is_file()


def test_image_in_a_body_without_media_dir_keeps_its_address_and_is_noted():
    report = run_import()
    assert (
        'src="https://herald.example.com/wp-content/uploads/2016/11/kremlin-300x200.jpg"'
        in story(11).body
    )
    assert (
        "image in a story body still loads from WordPress (no --media-dir) (1)"
        in report
    )


def test_links_to_the_old_sites_stories_now_point_here(client):
    run_import()
    body = story(11).body
    assert (
        'href="/2016/07/01/%d0%bf%d1%80%d0%b0%d0%b7%d0%b4%d0%bd%d0%b8%d0%ba/"' in body
    )
    assert 'href="/?p=13"' in body
    # Other files on the old site are not here: those links are kept as they were.
    assert (
        'href="https://herald.example.com/wp-content/uploads/2016/11/budget.pdf"'
        in body
    )
    assert (
        client.get(
            "/2016/07/01/%d0%bf%d1%80%d0%b0%d0%b7%d0%b4%d0%bd%d0%b8%d0%ba/"
        ).status_code
        == 200
    )


# --- deletions on WordPress ---------------------------------------------------------------


def test_reimport_unpublishes_a_story_whose_post_is_now_in_wordpress_trash(
    tmp_path, client
):
    run_import()
    assert client.get(PUTIN).status_code == 200
    binned = tmp_path / "binned.xml"
    binned.write_text(
        EXPORT.read_text().replace(
            "<wp:post_name><![CDATA[putin-congratulates-trump]]></wp:post_name>\n"
            "\t\t<wp:status><![CDATA[publish]]></wp:status>",
            "<wp:post_name><![CDATA[putin-congratulates-trump__trashed]]></wp:post_name>\n"
            "\t\t<wp:status><![CDATA[trash]]></wp:status>",
        )
    )
    report = run_import(binned)
    assert client.get(PUTIN).status_code == 404
    assert story(11).status == Article.Status.DRAFT
    assert "in WordPress's trash: unpublished (now a draft) (1): #11" in report


def test_reimport_trashes_a_comment_that_is_no_longer_in_the_export(tmp_path, client):
    run_import()
    assert "Plenty of people did." in client.get(PUTIN).content.decode()
    text = EXPORT.read_text()
    start = text.rindex("<wp:comment>", 0, text.index("Plenty of people did."))
    end = text.index("</wp:comment>", start) + len("</wp:comment>")
    pruned = tmp_path / "pruned.xml"
    pruned.write_text(text[:start] + text[end:])
    report = run_import(pruned)
    assert "Plenty of people did." not in client.get(PUTIN).content.decode()
    assert "comments — no longer in the export: moved to the trash (1)" in report
