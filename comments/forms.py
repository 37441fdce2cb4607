"""WordPress's classic comment form: Comment*, Name*, Email*, Website, consent."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from comments.content import (
    is_blank,
    normalise_web_url,
    strip_bidi_controls,
    validate_web_url,
)
from comments.models import CONTENT_MAX, EMAIL_MAX, NAME_MAX, URL_MAX, Comment
from comments.moderation import FormSignals, reply_refusal
from comments.protection import seconds_since_served, sign_timestamp
from newsroom.formrender import DirectWidgetRenderer

MAX_ID = 2**63 - 1
INVISIBLE_COMMENT = (
    "Your comment has no visible text (only spaces or invisible characters). "
    "Please type your comment."
)


def single_line(value: str) -> str:
    """Collapse whitespace and drop control/format characters (no header tricks,
    no bidi overrides); a name of nothing but invisible characters becomes ''."""
    kept = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
        for ch in value
        if unicodedata.category(ch) != "Cf" or ch in "\u200d"
    )
    kept = " ".join(kept.split())
    return "" if is_blank(kept) else kept


class CommentForm(forms.Form):
    default_renderer = DirectWidgetRenderer()

    comment = forms.CharField(
        label="Comment",
        max_length=CONTENT_MAX,
        widget=forms.Textarea(
            attrs={"rows": 8, "cols": 45, "autocomplete": "off", "id": "comment"}
        ),
        error_messages={"required": "Please type your comment."},
    )
    author = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name", "id": "author"}),
        error_messages={"required": "Please enter your name."},
    )
    email = forms.EmailField(
        label="Email",
        max_length=EMAIL_MAX,
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "email",
                "id": "email",
                "aria-describedby": "email-notes",
            }
        ),
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address.",
        },
    )
    url = forms.CharField(
        label="Website",
        max_length=URL_MAX,
        required=False,
        widget=forms.URLInput(attrs={"autocomplete": "url", "id": "url"}),
    )
    cookies_consent = forms.BooleanField(
        label="Save my name, email, and website in this browser for the next time I comment.",
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "cookies-consent"}),
    )
    article = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=MAX_ID
    )
    parent = forms.IntegerField(
        widget=forms.HiddenInput(attrs={"id": "comment-parent"}),
        required=False,
        min_value=1,
        max_value=MAX_ID,
    )
    ts = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    # The honeypot: hidden from people by CSS and aria-hidden; bots fill it in.
    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "tabindex": "-1", "id": "homepage"}
        ),
    )

    def __init__(self, *args, article, discussion, replying_to=None, **kwargs):
        self.article = article
        self.discussion = discussion
        self.parent_comment = None
        initial = {"article": article.pk, "ts": sign_timestamp(article.pk)}
        if replying_to is not None:
            initial["parent"] = replying_to.pk
        super().__init__(*args, initial=initial | kwargs.pop("initial", {}), **kwargs)
        if not discussion.require_name_email:
            self.fields["author"].required = False
            self.fields["email"].required = False

    def clean_author(self):
        name = single_line(self.cleaned_data["author"])
        if self.fields["author"].required and not name:
            raise ValidationError("Please enter your name.")
        return name

    def clean_email(self):
        return single_line(self.cleaned_data["email"])

    def clean_comment(self):
        text = strip_bidi_controls(self.cleaned_data["comment"].replace("\x00", ""))
        if is_blank(text):
            raise ValidationError(INVISIBLE_COMMENT, code="blank")
        return text

    def clean_url(self):
        url = normalise_web_url(single_line(self.cleaned_data["url"]))
        if len(url) > URL_MAX:
            raise ValidationError(f"Keep the address under {URL_MAX} characters.")
        validate_web_url(url)
        return url

    def clean_article(self):
        value = self.cleaned_data["article"]
        if value != self.article.pk:
            raise ValidationError("This form belongs to another story.")
        return value

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if not parent_id:
            return None
        parent = Comment.objects.filter(pk=parent_id).first()
        refusal = (
            "That comment does not exist."
            if parent is None
            else reply_refusal(parent, self.article, self.discussion)
        )
        if refusal:
            raise ValidationError(refusal)
        self.parent_comment = parent
        return parent_id

    def signals(self) -> FormSignals:
        seconds = seconds_since_served(
            self.cleaned_data.get("ts") or "", self.article.pk
        )
        return FormSignals(
            honeypot_filled=bool(self.cleaned_data.get("homepage", "").strip()),
            timestamp_valid=seconds is not None,
            seconds_to_submit=seconds,
        )

    def build_comment(self, *, ip_address=None, user_agent="", user=None) -> Comment:
        data = self.cleaned_data
        comment = Comment(
            article=self.article,
            parent=self.parent_comment,
            author_name=data["author"],
            author_email=data["email"],
            author_url=data["url"],
            content=data["comment"],
            ip_address=ip_address,
            user_agent=single_line(user_agent)[:255],
            user=user if user is not None and user.is_authenticated else None,
        )
        return comment
