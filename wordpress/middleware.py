from django.views.decorators.http import require_safe

from wordpress.views import post_by_id

answer_old_link = require_safe(post_by_id)


def old_post_links(get_response):
    """/?p=123 is WordPress's link to a post; here / is the home page, so the
    address cannot be routed by URLconf. Placed inside the page cache, whose
    allow-list keeps `p` for the home page, so the redirect is cached too."""

    def middleware(request):
        if request.path_info == "/" and "p" in request.GET:
            return answer_old_link(request)
        return get_response(request)

    return middleware
