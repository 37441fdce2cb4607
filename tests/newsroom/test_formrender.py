"""The comment form's widgets, written in Python, match Django's own templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from comments.forms import CommentForm
from comments.models import DiscussionSettings
from newsroom.formrender import DirectWidgetRenderer
from tests.support.factories import make_article

NASTY = "He said \"<b>no</b>\" & left\n'quietly'"


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"data-x": 'a"b<'}))
    email = forms.EmailField()
    url = forms.URLField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    number = forms.IntegerField()
    consent = forms.BooleanField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": True}))
    choice = forms.ChoiceField(choices=[("a", "<A>"), ("b", "B & b")])


def rendered(form_class, renderer, **kwargs):
    form = form_class(renderer=renderer, **kwargs)
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": NASTY,
            "email": "x@example.com",
            "url": "",
            "hidden": NASTY,
            "number": "12",
            "consent": "on",
            "body": NASTY,
            "choice": "b",
        },
        {"text": "", "body": "", "number": "not a number", "consent": ""},
    ],
)
def test_every_widget_matches_djangos_templates(data):
    assert rendered(EveryWidget, DirectWidgetRenderer(), data=data) == rendered(
        EveryWidget, DjangoTemplates(), data=data
    )


@pytest.mark.django_db
def test_comment_form_markup_is_unchanged_blank_and_with_errors():
    article = make_article()
    discussion = DiscussionSettings()
    typed = {"comment": NASTY, "author": NASTY, "email": "bad", "url": "javascript:x"}
    for data in (None, typed):
        ours = CommentForm(data, article=article, discussion=discussion)
        theirs = CommentForm(
            data, article=article, discussion=discussion, renderer=DjangoTemplates()
        )
        theirs.initial["ts"] = ours.initial["ts"]
        assert ours.default_renderer.__class__ is DirectWidgetRenderer
        assert {n: str(ours[n]) for n in ours.fields} == {
            n: str(theirs[n]) for n in theirs.fields
        }
