"""The planning calendar's page in the admin (/admin/articles/article/calendar/).
What falls on which day is articles.planning's."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode

from articles import planning, workflow
from articles.models import Author, Section


class PlanningCalendarAdminMixin:
    """For ArticleAdmin: the calendar URL and page."""

    def get_urls(self):
        own = [
            path(
                "calendar/",
                self.admin_site.admin_view(self.calendar_view),
                name="articles_article_calendar",
            ),
        ]
        return own + super().get_urls()

    def calendar_view(self, request):
        user = request.user
        if not (workflow.may_write(user) or workflow.sees_every_story(user)):
            raise PermissionDenied
        view = planning.MONTH if request.GET.get("view") == "month" else planning.WEEK
        anchor = planning.parse_day(request.GET.get("day"), timezone.localdate())
        shown = planning.period(view, anchor)
        section = planning.positive_int(request.GET.get("section"))
        author = planning.positive_int(request.GET.get("author"))
        articles = planning.stories(user, shown, section=section, author=author)

        def link(**changes):
            query = {"view": view, "day": anchor.isoformat()}
            query |= {"section": section or "", "author": author or ""} | changes
            return "?" + urlencode({k: v for k, v in query.items() if v})

        return TemplateResponse(
            request,
            "admin/articles/article/calendar.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Planning calendar",
                "shown": shown,
                "days": planning.days(shown, articles),
                "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                "sections": Section.objects.order_by("name"),
                "authors": Author.objects.order_by("name"),
                "section": section,
                "author": author,
                "links": {
                    "previous": link(day=shown.previous.isoformat()),
                    "next": link(day=shown.next.isoformat()),
                    "today": link(day=timezone.localdate().isoformat()),
                    "week": link(view=planning.WEEK),
                    "month": link(view=planning.MONTH),
                },
            },
        )
