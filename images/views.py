"""The editor's image chooser: find an image (search, recent) or upload one in
place. Staff only, checked here: a JSON 403 for anyone else, never a login page
the editor's script cannot use."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from images import uploads
from images.models import Image


def _refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _staff_with(request: HttpRequest, permission: str) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_perm(permission)


def describe(image: Image) -> dict:
    """An image as the chooser's script sees it."""
    thumb = image.thumbnail
    return {
        "id": image.pk,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "thumbnail": (
            {k: thumb[k] for k in ("url", "width", "height")} if thumb else None
        ),
    }


def _page_size(raw: str | None) -> int:
    """The page size asked for, within 1..IMAGE_CHOOSER_PAGE_SIZE."""
    cap = settings.IMAGE_CHOOSER_PAGE_SIZE
    if raw in (None, ""):
        return cap
    return min(max(int(raw), 1), cap)  # ValueError for junk: the caller's 400


@require_GET
def chooser(request: HttpRequest):
    """GET ?q=&page=&per_page=&format=html|json: images, newest first."""
    if not _staff_with(request, "images.view_image"):
        return _refusal("Only staff who may view the image library can choose.", 403)
    q = request.GET.get("q", "").strip()
    try:
        per_page = _page_size(request.GET.get("per_page"))
        images = Image.objects.search(q).recent()
        page = Paginator(images, per_page).page(request.GET.get("page") or 1)
    except (ValueError, PageNotAnInteger, EmptyPage) as exc:
        return _refusal(f"Bad page or page size: {exc}", 400)
    if request.GET.get("format") == "html":
        return render(request, "images/_chooser_results.html", {"page": page, "q": q})
    return JsonResponse(
        {
            "q": q,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "count": page.paginator.count,
            "has_next": page.has_next(),
            "results": [describe(image) for image in page.object_list],
        }
    )


@require_POST
@transaction.non_atomic_requests  # the file is checked and re-encoded before a lock
def chooser_upload(request: HttpRequest):
    """POST file=, alt_text= (caption=, credit=, licence=): add one image and
    answer with it; the same file already in the library answers with that one."""
    if not _staff_with(request, "images.add_image"):
        return _refusal("Only staff who may add images can upload.", 403)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _refusal("Choose an image file to upload.", 400)
    details = {
        field: request.POST.get(field, "").strip()[:limit]
        for field, limit in (("caption", 5000), ("credit", 200), ("licence", 300))
    }
    outcome = uploads.add_upload(
        uploaded,
        alt_text=request.POST.get("alt_text", ""),
        user=request.user,
        **details,
    )
    if outcome.error:
        return _refusal(outcome.error, 400)
    if outcome.existing:
        return JsonResponse(describe(outcome.existing) | {"existing": True})
    outcome.image.refresh_from_db()  # renditions, when the task ran at once
    return JsonResponse(describe(outcome.image) | {"existing": False}, status=201)
