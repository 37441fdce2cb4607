"""The comment endpoints: a plain HTML form POST, answered with a redirect (or, when
refused, a page that starts with the message and the reader's form); and two tiny
uncached GETs for static/js/comments.js: a fresh form stamp and the reader's own
held comments (docs/comments.md).

It is CSRF-exempt for anonymous readers because the article page (and so the form)
is shared by every reader and must not carry a per-user token; instead it checks that
the browser sent the form from this site (Origin/Referer) and the form's signed
timestamp. A poster who is logged in must send a valid CSRF token (static JS adds it
from the cookie; without JS the form comes back once, with a token, to confirm).
"""

import json
from urllib.parse import quote

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article
from comments import events, moderation, posting, preview, protection
from comments.forms import MAX_ID, CommentForm
from comments.models import Comment, DiscussionSettings
from comments.notifications import notify_moderators, wants_email
from comments.posting import Refusal

AUTHOR_COOKIE = "comment_author"
AUTHOR_COOKIE_AGE = 365 * 24 * 3600


def _refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """Refused before the form is read: the message, and what they typed to copy."""
    kept = {
        name: request.POST.get(name, "")
        for name in ("comment", "author", "email", "url")
    }
    context = {"message": refusal.message, "kept": kept}
    response = render(request, "comments/refused.html", context, status=refusal.status)
    return _with_retry_after(response, refusal)


def _form_again(
    request: HttpRequest, form: CommentForm, refusal: Refusal
) -> HttpResponse:
    """A page that starts with the message and the reader's form, text kept (the
    story page would open at its headline, the error thousands of pixels below)."""
    form.is_valid()  # the field errors, and the cleaned text to show again
    if refusal.message:
        form.add_error(None, refusal.message)
    # Only this answer to a POST (never cached) carries a logged-in poster's token.
    token = get_token(request) if request.user.is_authenticated else ""
    context = {"form": form, "article": form.article, "confirm_token": token}
    response = render(request, "comments/form_error.html", context)
    response.status_code = refusal.status
    return _with_retry_after(response, refusal)


def _with_retry_after(response: HttpResponse, refusal: Refusal) -> HttpResponse:
    if refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
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
    ip, now = protection.client_ip(request), timezone.now()
    limited = not moderation.can_moderate(request.user)  # rate and flood limits
    if refused := posting.request_refusal(request, ip, limited=limited):
        return _refused(request, refused)
    article = _published_article(request.POST.get("article"))
    discussion = DiscussionSettings.load()
    if refused := posting.story_refusal(article, now, discussion):
        return _refused(request, refused)
    form = CommentForm(request.POST, article=article, discussion=discussion)
    if refused := posting.form_refusal(request, form):
        return _form_again(request, form, refused)  # never lose what they typed
    agent = request.META.get("HTTP_USER_AGENT", "")
    comment = form.build_comment(ip_address=ip, user_agent=agent, user=request.user)
    if refused := posting.comment_refusal(comment, now, flood_applies=limited):
        return _form_again(request, form, refused)
    verdict = moderation.screen(
        comment, discussion, signals=form.signals(), user=request.user
    )
    comment.status, comment.status_reason = verdict.status, verdict.reason[:255]
    if refused := moderation.save(comment, now, flood_applies=limited):
        return _form_again(request, form, refused)
    if comment.status == Comment.Status.APPROVED:  # public at once: tell listeners
        events.announce_approved(comment.pk, comment.article_id)
    if verdict.notify and wants_email(comment, discussion):
        transaction.on_commit(
            lambda: notify_moderators.enqueue(comment.pk), robust=True
        )
    return _posted(request, form, comment)


def _posted(request: HttpRequest, form: CommentForm, comment: Comment) -> HttpResponse:
    """Post → redirect → get: to the comment, or to the author's view of it while
    it is held (which the held-comments cookie keeps showing after the link expires)."""
    if comment.status == Comment.Status.APPROVED:
        response = redirect(comment.get_absolute_url())
    else:
        response = redirect(preview.preview_url(comment))
        preview.remember_held(request, response, comment)
    remember_author(request, response, form)
    return response


def _story_id(request: HttpRequest) -> int:
    raw = request.GET.get("article", "")
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) < 19):
        raise Http404("No such story.")
    return int(raw)


@never_cache  # the point of it: a time the page cache cannot have frozen
@require_safe
def form_stamp(request: HttpRequest) -> JsonResponse:
    """The form's signed "served at" time, fetched by comments.js when the reader
    first focuses the form (the stamp in a cached page is the render time)."""
    return JsonResponse({"ts": protection.sign_timestamp(_story_id(request))})


@never_cache  # private to this browser (its cookie); never stored anywhere
@require_safe
def held_comments(request: HttpRequest) -> JsonResponse:
    """The held comments this browser posted on a story, for comments.js to insert
    into the author's own copy of the (shared, cached) page."""
    article = _published_article(request.GET.get("article"))
    ids = preview.held_ids(request)
    held = list(preview.still_held(ids)) if ids else []
    shown = [comment for comment in held if comment.article_id == article.pk]
    show_avatars = DiscussionSettings.load().show_avatars
    response = JsonResponse(
        {"comments": preview.render_held(shown, article, show_avatars)}
    )
    if ids and len(held) != len(ids):  # approved or deleted since: forget them
        remaining = {comment.pk for comment in held}
        preview.set_held_ids(request, response, [pk for pk in ids if pk in remaining])
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
