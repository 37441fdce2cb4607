"""The longest story body an editor may save (settings.ARTICLE_BODY_MAX_CHARS)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Article
from tests.support.desk import add_form_data, make_staff
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


def test_an_over_long_body_is_refused_with_the_limit_and_the_text_kept(
    client, django_user_model, settings
):
    settings.ARTICLE_BODY_MAX_CHARS = 2000
    client.force_login(make_staff(django_user_model, "Editor"))
    body = "<p>" + "Every word counts. " * 150 + "Final sentence here.</p>"
    response = client.post(
        reverse("admin:articles_article_add"),
        add_form_data(headline="A long read", body=body),
    )
    assert response.status_code == 200
    assert not Article.objects.exists()
    errors = response.context["adminform"].form.errors["body"]
    assert "the most a story may have is 2,000" in errors[0]
    assert "Final sentence here." in response.content.decode()  # nothing lost


def test_a_body_at_the_limit_is_accepted(client, django_user_model, settings):
    body = "<p>" + "x" * 93 + "</p>"
    settings.ARTICLE_BODY_MAX_CHARS = len(body)
    client.force_login(make_staff(django_user_model, "Editor"))
    response = client.post(
        reverse("admin:articles_article_add"),
        add_form_data(headline="Just fits", body=body),
    )
    assert response.status_code == 302
    assert Article.objects.get().body == body


def test_full_clean_refuses_an_over_long_body(settings):
    settings.ARTICLE_BODY_MAX_CHARS = 50
    story = make_article(body="<p>" + "y" * 100 + "</p>")  # a legacy row
    with pytest.raises(ValidationError) as refused:
        story.full_clean()
    assert "body" in refused.value.message_dict
