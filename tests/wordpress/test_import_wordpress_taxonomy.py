"""What a WordPress export says beyond its posts' text: category descriptions and
parents, its own tag slugs (the addresses of old /tag/…/ links), sticky posts,
images that are decompression bombs, and bodies too long to keep."""

import struct
import zlib
from pathlib import Path

import pytest
from taggit.models import Tag

from articles.models import Article, Section
from tests.support.wordpress import row, run_import
from wordpress.models import WordPressImport

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wxr"
SITE_A = FIXTURES / "site-a.xml"
EXPORT = FIXTURES / "newsroom.xml"


def story(wp_id: int) -> Article:
    mapping = WordPressImport.objects.get(kind="post", wp_id=str(wp_id))
    return Article.objects.get(pk=mapping.object_id)


# --- categories --------------------------------------------------------------------------


def test_category_description_becomes_the_sections_description():
    run_import(SITE_A)
    assert Section.objects.get(slug="harbour").description == (
        "Ships, ferries and the quay."
    )


def test_subcategory_is_reported_since_sections_have_no_parents():
    report = run_import(SITE_A)
    assert story(4).section.slug == "ferries"
    assert (
        "subcategory on WordPress: sections here have no parents, so it is a section "
        "of its own (1): Ferries (under Harbour)" in report
    )


def test_old_category_addresses_redirect_to_their_sections(client):
    report = run_import(SITE_A)
    response = client.get("/category/harbour/ferries/")
    assert response.status_code == 301
    assert response["Location"] == "/section/ferries/"
    assert client.get("/category/harbour/").headers["Location"] == "/section/harbour/"
    assert "/category/harbour/" not in report


def test_section_shared_by_a_changed_and_an_unchanged_story_is_counted_once(tmp_path):
    run_import(EXPORT)
    changed = tmp_path / "changed.xml"
    changed.write_text(
        EXPORT.read_text().replace(
            "The mayor was delighted.", "The mayor was overjoyed."
        )
    )
    report = run_import(changed)
    assert row(report, "stories")[:3] == [0, 1, 4]
    # Politics and Local: two sections, both unchanged.
    assert row(report, "sections")[:4] == [0, 0, 2, 0]


# --- tags ---------------------------------------------------------------------------------


def test_tag_keeps_its_wordpress_slug_so_old_tag_links_work(client):
    run_import(SITE_A)
    mayor = Tag.objects.get(name="Ada Okafor")
    assert mayor.slug == "mayor"
    assert client.get("/tag/mayor/").status_code == 200


def test_tag_slug_our_addresses_cannot_take_is_reported_with_its_new_address():
    report = run_import(SITE_A)
    assert Tag.objects.get(name="emoji 🎉").slug == "emoji"
    assert "/tag/emoji-%f0%9f%8e%89/ → /tag/emoji/" in report


def test_wordpress_slug_taken_by_another_tag_here_is_left_to_that_tag():
    Tag.objects.create(name="Mayor", slug="mayor")
    report = run_import(SITE_A)
    assert Tag.objects.get(name="Ada Okafor").slug == "ada-okafor"
    assert "/tag/mayor/ → /tag/ada-okafor/" in report


# --- sticky posts -------------------------------------------------------------------------


def test_sticky_post_is_reported_as_having_no_pinned_place_here():
    report = run_import(SITE_A)
    assert (
        "1 stories were sticky on WordPress: this site has no pinned or featured "
        "stories, so they are ordinary stories here (by date): #4 “The ferry returns”"
        in report
    )


# --- images -------------------------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_image_is_called_that_not_unreadable(tmp_path):
    uploads = tmp_path / "uploads" / "2020" / "03"
    uploads.mkdir(parents=True)
    (uploads / "ferry.jpg").write_bytes(png_header_only(30_000, 30_000))
    report = run_import(SITE_A, "--media-dir", str(tmp_path / "uploads"))
    assert not story(4).featured_image
    assert "2020/03/ferry.jpg: The image has far more pixels than the" in report
    assert "not an image" not in report


def test_image_that_is_not_an_image_is_still_called_unreadable(tmp_path):
    uploads = tmp_path / "uploads" / "2020" / "03"
    uploads.mkdir(parents=True)
    (uploads / "ferry.jpg").write_bytes(b"not a picture")
    report = run_import(SITE_A, "--media-dir", str(tmp_path / "uploads"))
    assert "2020/03/ferry.jpg: The file is not an image we can read" in report


# --- bodies too long ------------------------------------------------------------------------


def test_body_over_the_limit_is_refused_with_a_report_line(settings):
    settings.ARTICLE_BODY_MAX_CHARS = 30
    report = run_import(SITE_A)
    assert not WordPressImport.objects.filter(kind="post", wp_id="4").exists()
    assert story(5).headline == "Harbour dues rise"  # short enough: imported
    assert (
        "stories — body too long: 36 characters, over the ARTICLE_BODY_MAX_CHARS "
        "limit of 30; not imported (1): #4 “The ferry returns”" in report
    )


def test_body_grown_over_the_limit_leaves_the_story_as_it_was(settings, tmp_path):
    run_import(SITE_A)
    settings.ARTICLE_BODY_MAX_CHARS = 1000
    grown = tmp_path / "grown.xml"
    grown.write_text(
        SITE_A.read_text().replace(
            "The ferry is back in service.", "The ferry is back. " + "Again. " * 500
        )
    )
    report = run_import(grown)
    assert story(4).body == "<p>The ferry is back in service.</p>"
    assert story(4).comments.count() == 5
    assert "body too long" in report and row(report, "stories")[3] == 1


def test_huge_raw_body_is_refused_before_it_is_converted(settings, monkeypatch):
    from wordpress import importer

    settings.ARTICLE_BODY_MAX_CHARS = 10

    def never(raw):
        raise AssertionError("converted a body far over the limit")

    monkeypatch.setattr(importer, "convert_body", never)
    report = run_import(SITE_A)
    assert "characters of WordPress HTML, over the ARTICLE_BODY_MAX_CHARS" in report
    assert not Article.objects.exists()
