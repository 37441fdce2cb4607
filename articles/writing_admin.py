"""Writing comforts in the story admin: the tag search behind the tag box's
suggestions. What counts as a word or a tag is articles.writing's."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from articles import workflow, writing


class WritingAdminMixin:
    """For ArticleAdmin: the tag search URL."""

    def get_urls(self):
        own = [
            path(
                "tags/",
                never_cache(self.tag_search_view),
                name="articles_article_tags",
            ),
        ]
        return own + super().get_urls()

    def tag_search_view(self, request):
        """Existing tags starting with ?q=, as JSON, for anyone who writes stories.

        Not behind admin_view: a script asks, so a refusal is a 403, not the
        login page."""
        if not (
            self.admin_site.has_permission(request) and workflow.may_write(request.user)
        ):
            return JsonResponse({"error": "Staff who write stories only."}, status=403)
        try:
            query = writing.clean_tag_query(request.GET.get("q", ""))
        except ValueError as error:
            return JsonResponse({"error": str(error)}, status=400)
        return JsonResponse({"tags": writing.matching_tags(query)})
