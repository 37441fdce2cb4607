"""The body editor's Embed button asks here whether an address can be embedded,
so it can refuse an unknown one at once; the rule is articles.embeds'. Nothing is
fetched from the other site."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from articles import embeds


class EmbedCheckAdminMixin:
    """For ArticleAdmin: GET embed-check/?url=… → {"embed": {…}} or {"error": …}."""

    def get_urls(self):
        own = [
            path(
                "embed-check/",
                self.admin_site.admin_view(never_cache(self.embed_check_view)),
                name="articles_article_embed_check",
            )
        ]
        return own + super().get_urls()

    def embed_check_view(self, request):
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        url = request.GET.get("url", "")
        embed, reason = embeds.examine(url)
        if embed is None:
            shown = url.strip() if len(url.strip()) <= 80 else url.strip()[:77] + "…"
            return JsonResponse({"error": f"“{shown}” {reason}"}, status=400)
        return JsonResponse(
            {
                "embed": {
                    "url": embed.url,
                    "provider": embed.provider.name,
                    "kind": embed.provider.kind,
                }
            }
        )
