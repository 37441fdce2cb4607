"""The desk API's endpoints: read the request, call editing.py, answer. Every
refusal is JSON {"detail": …} (with "version" for a 409, "errors" by field)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.desk import editing
from api.desk.access import DeskTokenAuthentication, HasDeskToken, PerTokenLimit
from api.desk.parsers import CappedJSONParser, CappedMultiPartParser
from api.desk.serializers import (
    DeskChangeSerializer,
    DeskDraftSerializer,
    DeskImageSerializer,
    DeskScheduleSerializer,
    DeskStorySerializer,
    DeskTransitionSerializer,
    DeskUploadSerializer,
)
from articles import workflow
from articles.models import Article
from images import uploads


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT


class DeskView(APIView):
    authentication_classes = [DeskTokenAuthentication]
    permission_classes = [HasDeskToken]
    throttle_classes = [PerTokenLimit]
    parser_classes = [CappedJSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, workflow.NotAllowed):
            exc = exceptions.PermissionDenied(str(exc))
        elif isinstance(exc, editing.NotFound):
            exc = exceptions.NotFound("No such story on your desk.")
        elif isinstance(exc, editing.Stale):
            exc = Conflict({"detail": str(exc), "version": exc.version})
        elif isinstance(exc, workflow.Refused):
            exc = Conflict({"detail": str(exc), "version": self._current_version()})
        elif isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"detail": exc.messages}
            )
        elif isinstance(exc, exceptions.Throttled):
            exc.detail = (
                f"Too many requests with this token: try again in {exc.wait} seconds."
            )
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)  # one user's desk: never shared or kept
        return response

    def _current_version(self) -> str | None:
        story = (
            Article.objects.filter(pk=self.kwargs.get("pk")).only("modified_at").first()
        )
        return editing.version_of(story) if story else None

    @staticmethod
    def valid(serializer_class, request, **kwargs):
        serializer = serializer_class(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def story_response(story, code=status.HTTP_200_OK):
        story = Article.objects.prefetch_related("tags", "quotes").get(pk=story.pk)
        return Response(DeskStorySerializer(story).data, status=code)


STORY = OpenApiResponse(DeskStorySerializer)


class StoryCreate(DeskView):
    @extend_schema(
        request=DeskDraftSerializer,
        responses={201: STORY},
        operation_id="desk_create",
    )
    def post(self, request):
        """Write a new draft (a story of yours, sanitised as in the admin)."""
        data = self.valid(DeskDraftSerializer, request)
        story = editing.create_draft(request.user, dict(data))
        return self.story_response(story, status.HTTP_201_CREATED)


class StoryDetail(DeskView):
    @extend_schema(responses={200: STORY}, operation_id="desk_read")
    def get(self, request, pk: int):
        """A story on your desk, with the version to send back with a change."""
        return self.story_response(editing.story_for(request.user, pk))

    @extend_schema(
        request=DeskChangeSerializer,
        responses={200: STORY},
        operation_id="desk_update",
    )
    def patch(self, request, pk: int):
        """Change a story you may edit; `tags` and `quotes` replace the story's."""
        data = dict(self.valid(DeskChangeSerializer, request))
        version = data.pop("version")
        return self.story_response(
            editing.update_story(request.user, pk, version, data)
        )


def transition_view(action: str, summary: str):
    """The view of one transition: submit, publish, schedule or unpublish."""
    serializer = (
        DeskScheduleSerializer if action == "schedule" else DeskTransitionSerializer
    )

    @extend_schema(
        request=serializer,
        responses={200: STORY},
        operation_id=f"desk_{action}",
        description=summary,
    )
    def post(self, request, pk: int):
        data = self.valid(serializer, request)
        story = editing.transition(
            request.user, pk, data["version"], action, data.get("publish_at")
        )
        return self.story_response(story)

    view = type(f"{action.capitalize()}Transition", (DeskView,), {"post": post})
    return view.as_view()


class ImageUpload(DeskView):
    parser_classes = [CappedMultiPartParser]

    @extend_schema(
        request={"multipart/form-data": DeskUploadSerializer},
        responses={201: DeskImageSerializer, 200: DeskImageSerializer},
        operation_id="desk_upload_image",
    )
    def post(self, request):
        """Add a picture to the library, with the admin's checks; the same file
        already there answers 200 with that image."""
        if not (request.user.is_staff and request.user.has_perm("images.add_image")):
            raise workflow.NotAllowed("Your role may not add images to the library.")
        data = self.valid(DeskUploadSerializer, request)
        uploaded = data.pop("file")
        outcome = uploads.add_upload(
            uploaded, alt_text=data.pop("alt_text", ""), user=request.user, **data
        )
        if outcome.error:
            raise exceptions.ValidationError({"file": [outcome.error]})
        image = outcome.image or outcome.existing
        answer = {
            "id": image.pk,
            "alt_text": image.alt_text,
            "width": image.width,
            "height": image.height,
            "existing": outcome.existing is not None,
        }
        code = status.HTTP_200_OK if outcome.existing else status.HTTP_201_CREATED
        return Response(answer, status=code)
