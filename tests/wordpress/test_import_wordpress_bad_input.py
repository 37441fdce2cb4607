"""A file that cannot be imported is refused in one clear line, and nothing is written."""

import gzip
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Section
from wordpress.models import WordPressImport

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wxr"
EXPORT = FIXTURES / "newsroom.xml"


def refusal(path) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_wordpress", str(path), stdout=StringIO(), stderr=StringIO()
        )
    message = str(caught.value)
    assert "\n" not in message
    assert not Article.objects.exists()
    assert not WordPressImport.objects.exists()
    assert not Author.objects.exists() and not Section.objects.exists()
    return message


def test_file_that_is_not_xml_is_refused():
    assert "not-xml.xml is not valid XML (syntax error, line 1" in refusal(
        FIXTURES / "not-xml.xml"
    )


def test_plain_rss_feed_is_refused_as_not_a_wordpress_export():
    assert "rss-feed.xml is an RSS feed, not a WordPress export" in refusal(
        FIXTURES / "rss-feed.xml"
    )


def test_other_xml_is_refused_as_not_a_wordpress_export():
    assert "atom.xml is not a WordPress export: its root element is <{" in refusal(
        FIXTURES / "atom.xml"
    )


def test_truncated_export_is_refused_whole_although_its_first_items_are_fine():
    message = refusal(FIXTURES / "truncated.xml")
    assert "truncated.xml ends early" in message and "truncated" in message


def test_unknown_wxr_version_is_refused():
    assert (
        "wxr-9.9.xml is WXR version 9.9, which this importer does not know"
        in refusal(FIXTURES / "wxr-9.9.xml")
    )


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_hostile_xml_is_refused(name):
    assert f"{name} was refused: it declares a DTD" in refusal(FIXTURES / name)


def test_file_named_gz_that_is_not_gzipped_is_refused(tmp_path):
    fake = tmp_path / "export.xml.gz"
    fake.write_bytes(EXPORT.read_bytes())
    assert "export.xml.gz is named .gz but is not gzip-compressed" in refusal(fake)


def test_truncated_gzip_is_refused(tmp_path):
    packed = gzip.compress(EXPORT.read_bytes())
    broken = tmp_path / "export.xml.gz"
    broken.write_bytes(packed[: len(packed) // 2])
    assert "export.xml.gz is damaged: the gzip data is truncated or corrupt" in refusal(
        broken
    )


def test_missing_file_is_refused(tmp_path):
    assert "no such file" in refusal(tmp_path / "nowhere.xml")


def test_media_dir_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a directory"):
        call_command(
            "import_wordpress",
            str(EXPORT),
            "--media-dir",
            str(tmp_path / "nope"),
            stdout=StringIO(),
        )
    assert not Article.objects.exists()


def test_bad_file_on_the_command_line_prints_one_line_and_no_traceback():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_wordpress",
            str(FIXTURES / "not-xml.xml"),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "CommandError: not-xml.xml is not valid XML (syntax error, line 1, column 0)."
    ]


def test_gzip_with_a_flipped_bit_is_blamed_on_the_gzip_data_not_the_xml():
    # The damaged stream decompresses to garbage XML long before gzip's checksum.
    message = refusal(FIXTURES / "bit-flipped.xml.gz")
    assert "bit-flipped.xml.gz is damaged: the gzip data is corrupt" in message
    assert "not valid XML" not in message


def test_empty_file_is_called_empty_not_truncated(tmp_path):
    empty = tmp_path / "export.xml"
    empty.write_bytes(b"")
    message = refusal(empty)
    assert "export.xml is empty" in message
    assert "truncated" not in message
