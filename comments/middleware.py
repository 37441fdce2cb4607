from django.utils.cache import patch_cache_control

from comments.preview import wants_preview


def private_comment_preview(get_response):
    """A page showing someone's held comment is theirs alone: never store it in a
    shared cache (Django's cache middleware and proxies skip `private` responses)."""

    def middleware(request):
        response = get_response(request)
        if wants_preview(request):
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    return middleware
