"""Discussion of a suggestion: comments (one reply level), support (once per person) and reports."""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..idempotency import idempotent
from ..models import Comment, ReportReason
from ..participants import participant_from
from .anti_spam import AntiSpamInput
from .photos import PhotoOutput, photos_body


class CommentInput(AntiSpamInput):
    text = serializers.CharField(trim_whitespace=False)
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text=gettext_lazy("Anonymous participants: the public name to show (optional)."),
    )
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("Id of the top-level comment to reply to.")
    )


class ReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    display_name = serializers.CharField()
    author_is_anonymous = serializers.SerializerMethodField(
        help_text=gettext_lazy("True when the name was given without an account: anyone could have typed it.")
    )
    text = serializers.CharField()
    moderation_state = serializers.CharField()
    created = serializers.DateTimeField(source="created_at")
    photos = serializers.SerializerMethodField()

    def get_author_is_anonymous(self, comment: Comment) -> bool:
        return comment.author_id is None

    @extend_schema_field(PhotoOutput(many=True))
    def get_photos(self, comment: Comment) -> list[dict[str, Any]]:
        """The comment's published photos (its author adds one after writing it)."""
        if "request" not in self.context:
            return []
        return photos_body(self.context["request"], self.context.get("photos", {}).get(comment.pk, []))


class CommentOutput(ReplyOutput):
    replies = serializers.SerializerMethodField()

    def get_replies(self, comment: Comment) -> list[dict[str, Any]]:
        return ReplyOutput(getattr(comment, "thread_replies", []), many=True, context=self.context).data


class CommentListApi(APIView):
    @extend_schema(responses={200: CommentOutput(many=True)}, summary="Published comments with their replies")
    def get(self, request: Request, pk: int) -> Response:
        suggestion = selectors.suggestion_get_visible(actor=request.user, suggestion_id=pk)
        comments = selectors.comment_list(suggestion=suggestion)
        photos = selectors.comment_photos_published(comments=comments)
        return Response(
            CommentOutput(comments, many=True, context={"request": request, "photos": photos}).data
        )

    @extend_schema(
        request=CommentInput,
        responses={201: ReplyOutput},
        summary="Comment on a suggestion, or reply to a comment",
        description="In pre-moderation the comment waits for review (moderation_state `pending`).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            actor=participant_from(request, **data.anti_spam),
            suggestion_id=pk,
            text=data.validated_data["text"],
            parent_id=data.validated_data.get("parent"),
            name=data.validated_data["name"],
        )
        return Response(ReplyOutput(comment).data, status=status.HTTP_201_CREATED)


class SupportOutput(serializers.Serializer):
    supported = serializers.BooleanField()
    support_count = serializers.IntegerField()


class SupportAddedOutput(SupportOutput):
    ask_follow = serializers.BooleanField(
        help_text="True once per account and suggestion, right after supporting it: the client may ask "
        "whether to follow it (the suggestion's page does at `?ask=follow#follow`). Never again afterwards."
    )


class SupportApi(APIView):
    @extend_schema(
        request=AntiSpamInput,
        responses={201: SupportAddedOutput},
        summary="Support a suggestion (once)",
        description="Once per account, or once per browser for anonymous participants (a signed cookie, "
        "set by this response; with a solved ALTCHA in `altcha`).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        data = AntiSpamInput(data=request.data if request.data else {})
        data.is_valid(raise_exception=True)
        suggestion = services.support_add(actor=participant_from(request, **data.anti_spam), suggestion_id=pk)
        ask = request.user.is_authenticated and services.follow_question_ask(
            user=request.user, suggestion_id=pk
        )
        return Response(
            {"supported": True, "support_count": suggestion.support_count, "ask_follow": ask},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses={200: SupportOutput}, summary="Withdraw my support")
    def delete(self, request: Request, pk: int) -> Response:
        suggestion = services.support_withdraw(actor=participant_from(request), suggestion_id=pk)
        return Response({"supported": False, "support_count": suggestion.support_count})


class ReportInput(AntiSpamInput):
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
    comment = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Report this comment instead of the suggestion."),
    )


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    created = serializers.DateTimeField(source="created_at")


class ReportApi(APIView):
    @extend_schema(
        request=ReportInput, responses={201: ReportOutput}, summary="Report a suggestion or comment"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_create(
            actor=participant_from(request, **data.anti_spam),
            suggestion_id=pk,
            reason=data.validated_data["reason"],
            text=data.validated_data["text"],
            comment_id=data.validated_data.get("comment"),
        )
        return Response(ReportOutput(report).data, status=status.HTTP_201_CREATED)
