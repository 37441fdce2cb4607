"""Nothing a reader can send makes the comment form or endpoint fail with a 500."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from tests.support.comments import form_data
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

FIELDS = [
    "comment",
    "author",
    "email",
    "url",
    "article",
    "parent",
    "ts",
    "homepage",
    "cookies_consent",
]
# Any Unicode (NUL, controls, RTL marks, astral planes), plus hostile favourites.
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "\x00",
            "javascript:alert(1)",
            "Eve\r\nBcc: x@y",
            "<script>alert(1)</script>",
            "http://[::1",
            "9" * 40,
            "-1",
            "\u202e\u200b",
            "a" * 70000,
        ]
    ),
)
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def article():
    return make_article()


@FUZZ
@given(data=st.dictionaries(st.sampled_from(FIELDS), nasty_text))
def test_form_accepts_or_refuses_any_input_without_crashing(article, data):
    form = CommentForm(data, article=article, discussion=DiscussionSettings())
    if form.is_valid():
        comment = form.build_comment(ip_address="203.0.113.1", user_agent="x")
        form.signals()
        try:
            with transaction.atomic():
                comment.save()
        except IntegrityError:
            pass  # a duplicate of an earlier example: refused, not a crash
        assert comment.author_url == "" or comment.author_url.startswith("http")
    else:
        assert form.errors


@FUZZ
@given(overrides=st.dictionaries(st.sampled_from(FIELDS), nasty_text))
def test_endpoint_never_answers_500_for_any_form(client, article, overrides):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.COMMENTS_RATE_LIMIT", 0)
        response = client.post(
            reverse("comments:post"), form_data(article, **overrides)
        )
    assert response.status_code in {302, 400, 403, 404, 409, 429}


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
            "application/json",
        ]
    ),
)
def test_endpoint_never_answers_500_for_any_bytes(client, article, body, content_type):
    response = client.generic(
        "POST", reverse("comments:post"), data=body, content_type=content_type
    )
    assert response.status_code < 500


def test_huge_body_is_refused_without_a_500(client, article):
    data = form_data(article, comment="x" * (3 * 1024 * 1024))
    response = client.post(reverse("comments:post"), data)
    assert response.status_code == 400
    assert not Comment.objects.exists()


@FUZZ
@given(
    name=st.sampled_from(["comments:stamp", "comments:held"]),
    query=st.dictionaries(st.sampled_from(["article", "x"]), nasty_text, max_size=2),
    # What a browser can send in a cookie: printable ASCII (forged signatures,
    # numbers of every size, separators).
    cookie=st.text(
        st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=';"\\'),
        max_size=300,
    ),
)
def test_stamp_and_held_endpoints_never_answer_500(
    client, article, name, query, cookie
):
    client.cookies["comments_held"] = cookie
    response = client.get(reverse(name), query)
    assert response.status_code in {200, 404}
