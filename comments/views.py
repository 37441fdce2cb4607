"""The comment endpoint: a plain HTML form POST, answered with a redirect.

It is CSRF-exempt for anonymous readers because the article page (and so the form)
is shared by every reader and must not carry a per-user token; instead it checks that
the browser sent the form from this site (Origin/Referer) and the form's signed
timestamp. A poster who is logged in must send a valid CSRF token (static JS adds it
from the cookie; without JS the form comes back once, with a token, to confirm).
"""

import json
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import render_article
from comments import moderation, protection
from comments.forms import MAX_ID, CommentForm
from comments.models import Comment, DiscussionSettings
from comments.notifications import notify_moderators, wants_email
from comments.preview import preview_url

AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_AGE = 365 * 24 * 3600

FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."
DUPLICATE_MESSAGE = (
    "Duplicate comment detected; it looks as though you’ve already said that!"
)


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "comments/refused.html", {"message": message}, status=status)


def _form_again(request, article, form, status: int, message: str = "") -> HttpResponse:
    """The story again, with the reader's form, their text and the errors."""
    if message:
        form.add_error(None, message)
    response = render_article(request, article, comment_form=form)
    response.status_code = status
    return response


def _published_article(raw) -> Article:
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
        raise Http404("No such story.")
    article = Article.objects.published().filter(pk=int(raw)).first()
    if article is None:
        raise Http404("No such story.")
    return article


@csrf_exempt  # see the module docstring: Origin/Referer + signed timestamp instead
@transaction.non_atomic_requests  # only the save is a transaction, not the spam check
@never_cache
@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    ip = protection.client_ip(request)
    is_moderator = moderation.can_moderate(request.user)
    if not is_moderator and protection.rate_limited(
        f"ip:{ip}", settings.COMMENTS_RATE_LIMIT, settings.COMMENTS_RATE_WINDOW
    ):
        return _refused(request, FLOOD_MESSAGE, 429)
    if not protection.same_site(request):
        return _refused(request, "Comments must be sent from this site's pages.", 403)
    article = _published_article(request.POST.get("article"))
    discussion = DiscussionSettings.load()
    now = timezone.now()
    if not moderation.comments_open(article, now, discussion):
        return _refused(request, "Comments are closed.", 403)
    form = CommentForm(request.POST, article=article, discussion=discussion)
    if request.user.is_authenticated and not protection.csrf_token_valid(request):
        # Never lose what they typed: show it again with a token to confirm.
        form.is_valid()
        return _form_again(
            request,
            article,
            form,
            403,
            f"You are logged in as {request.user.get_username()}: "
            "please press “Post Comment” again to confirm.",
        )
    if not form.is_valid():
        return _form_again(request, article, form, 400)

    comment = form.build_comment(
        ip_address=ip,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        user=request.user,
    )
    # WordPress's order: a duplicate is reported as such even inside the flood window.
    if moderation.is_duplicate(comment):
        return _form_again(request, article, form, 409, DUPLICATE_MESSAGE)
    if not is_moderator and moderation.is_flood(comment, now):
        return _form_again(request, article, form, 429, FLOOD_MESSAGE)
    verdict = moderation.screen(
        comment, discussion, signals=form.signals(), user=request.user
    )
    comment.status, comment.status_reason = verdict.status, verdict.reason[:255]
    try:
        comment.save()  # one transaction of its own (the view is non-atomic)
    except IntegrityError:  # an identical post won the race to the unique index
        return _form_again(request, article, form, 409, DUPLICATE_MESSAGE)
    if verdict.notify and wants_email(comment, discussion):
        transaction.on_commit(
            lambda: notify_moderators.enqueue(comment.pk), robust=True
        )

    if comment.status == Comment.Status.APPROVED:
        response = redirect(comment.get_absolute_url())
    else:
        response = redirect(preview_url(comment))
    remember_author(request, response, form)
    return response


def remember_author(request, response, form) -> None:
    """Save name, email and website in a cookie only with the reader's consent; the
    page never reads it server-side (static/js/comments.js fills the form)."""
    if not form.cleaned_data.get("cookies_consent"):
        if AUTHOR_COOKIE in request.COOKIES:  # consent withdrawn: forget them
            response.delete_cookie(AUTHOR_COOKIE, samesite="Lax")
        return
    value = quote(
        json.dumps(
            {
                "name": form.cleaned_data["author"],
                "email": form.cleaned_data["email"],
                "url": form.cleaned_data["url"],
            },
            ensure_ascii=False,
        ),
        safe="",
    )
    response.set_cookie(
        AUTHOR_COOKIE,
        value,
        max_age=AUTHOR_COOKIE_AGE,
        secure=request.is_secure(),
        httponly=False,  # read by comments.js in the reader's own browser
        samesite="Lax",
    )
