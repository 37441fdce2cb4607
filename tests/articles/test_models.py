from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import resolve
from django.utils import timezone

from articles.models import Article, unique_slug
from images.models import Image, ImageInUse
from tests.support.factories import make_article, make_draft, make_library_image
from tests.support.users import user_with_perms

pytestmark = pytest.mark.django_db


def test_published_includes_only_published_stories_whose_time_has_passed():
    now = timezone.now()
    live = make_article(published_at=now - timedelta(days=1))
    make_draft()
    make_article(status=Article.Status.REVIEW, published_at=now - timedelta(days=1))
    make_article(published_at=now + timedelta(days=1))  # scheduled
    make_article(
        published_at=now - timedelta(days=2), expires_at=now - timedelta(hours=1)
    )

    assert list(Article.objects.published()) == [live]


def test_is_published_mirrors_the_queryset_rule():
    now = timezone.now()
    stories = [
        make_article(published_at=now - timedelta(days=1)),
        make_draft(),
        make_article(
            status=Article.Status.REVIEW, published_at=now - timedelta(days=1)
        ),
        make_article(published_at=now + timedelta(minutes=1)),
        make_article(
            published_at=now - timedelta(days=1), expires_at=now - timedelta(seconds=1)
        ),
    ]
    published_ids = set(Article.objects.published().values_list("pk", flat=True))
    assert {s.pk for s in stories if s.is_published()} == published_ids


def test_scheduled_story_goes_live_exactly_at_its_publish_time(time_machine):
    publish_at = datetime(2016, 11, 9, 8, 0, tzinfo=UTC)
    story = make_article(published_at=publish_at)

    time_machine.move_to(publish_at - timedelta(microseconds=1), tick=False)
    assert not Article.objects.published().filter(pk=story.pk).exists()
    time_machine.move_to(publish_at, tick=False)
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_for_desk_gives_editors_every_draft_contributors_their_own_readers_none(
    staff_editor, django_user_model
):
    # The rule behind the staff preview (articles:preview) and the admin's list.
    contributor = user_with_perms(
        django_user_model, "contributor", "articles.change_own_article"
    )
    mine, theirs = make_draft(created_by=contributor), make_draft()
    reader = django_user_model.objects.create_user("reader", password="pw")
    assert set(Article.objects.for_desk(staff_editor)) == {mine, theirs}
    assert list(Article.objects.for_desk(contributor)) == [mine]
    assert not Article.objects.for_desk(reader).exists()


@pytest.mark.parametrize(
    ("zone", "utc_time", "local_day"),
    [
        ("Europe/Moscow", datetime(2016, 11, 8, 21, 30, tzinfo=UTC), "2016/11/09"),
        ("Europe/Moscow", datetime(2016, 11, 8, 20, 59, tzinfo=UTC), "2016/11/08"),
        ("America/New_York", datetime(2016, 11, 9, 3, 0, tzinfo=UTC), "2016/11/08"),
        ("UTC", datetime(2016, 11, 9, 0, 0, tzinfo=UTC), "2016/11/09"),
    ],
)
def test_dated_url_uses_the_site_time_zone_and_resolves_back_to_the_story(
    settings, client, zone, utc_time, local_day
):
    settings.TIME_ZONE = zone
    with timezone.override(ZoneInfo(zone)):
        story = make_article(published_at=utc_time, slug="midnight-story")
        url = story.get_absolute_url()
    assert url == f"/{local_day}/midnight-story/"
    assert resolve(url).url_name == "detail"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["article"] == story


def test_the_featured_caption_and_credit_are_the_librarys_unless_the_story_says():
    image = make_library_image(caption="A bridge.", credit="Agency")
    story = make_article(featured_image=image, image_credit="Our photographer")
    assert story.featured_caption == "A bridge."
    assert story.featured_credit == "Our photographer"
    assert make_article().featured_caption == ""


def test_an_image_a_story_shows_cannot_be_deleted():
    image = make_library_image()
    make_article(featured_image=image, headline="Bridge opens")
    with pytest.raises(ImageInUse) as refused:
        image.delete()
    assert "Bridge opens" in str(refused.value)
    assert image in Image.objects.in_use()
    assert image not in Image.objects.unused()


def test_body_script_is_removed_on_save():
    story = make_article(body='<p onclick="x()">Hi</p><script>alert(1)</script>')
    story.refresh_from_db()
    assert "script" not in story.body
    assert "onclick" not in story.body
    assert "Hi" in story.body


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Putin congratulates Trump", "putin-congratulates-trump"),
        ("Путин поздравил Трампа", "путин-поздравил-трампа"),
        ("🎉🎉", "story"),
        ("", "story"),
    ],
)
def test_slugs_are_never_empty_and_keep_non_latin_letters(headline, expected):
    assert unique_slug(headline) == expected


def test_quote_placeholder_renders_the_quote_figure():
    story = make_article(
        body="<p>Before.</p><p>[quote 1]</p><p>After.</p>",
        quotes=[
            {"text": "Winter Is Here", "speaker": "Garry Kasparov", "kind": "tweet"}
        ],
    )
    html = story.body_with_quotes()
    assert html.index("Before.") < html.index("<figure") < html.index("After.")
    assert "<blockquote" in html and "Winter Is Here" in html
    assert "<figcaption>" in html and "Garry Kasparov" in html
    assert "[quote 1]" not in html


def test_quote_text_and_speaker_are_escaped():
    story = make_article(
        body="<p>[quote 1]</p>",
        quotes=[{"text": "<script>alert(1)</script>", "speaker": "<b>Eve</b>"}],
    )
    html = story.body_with_quotes()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Eve</b>" not in html


def test_quote_source_link_must_be_http():
    story = make_article(
        quotes=[{"text": "x", "speaker": "Y", "source_url": "https://a.example"}]
    )
    quote = story.quotes.get()
    quote.source_url = "javascript:alert(1)"
    with pytest.raises(ValidationError):
        quote.full_clean()


def test_saving_a_stale_copy_of_a_story_keeps_the_approved_comment_count():
    story = make_article()
    stale_copy = Article.objects.get(pk=story.pk)
    Article.objects.filter(pk=story.pk).update(comment_count=3)
    stale_copy.headline = "Edited headline"
    stale_copy.save()
    story.refresh_from_db()
    assert (story.headline, story.comment_count) == ("Edited headline", 3)
