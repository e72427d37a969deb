"""API of 联评联审: the reviews in the caller's scope with their opinions, and a department's
opinion (`POST /api/reviews/{id}/opinion/`), through the same services and scope as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhaoshang.core.api import E400, E403, E404, RestrictedReadOnlyViewSet, service_errors
from zhaoshang.core.permissions import has_model_permission

from ..models import JointReview, ReviewOpinion, ReviewOutcome, Verdict
from ..services import reviews as svc


class OpinionSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    conditions = serializers.SerializerMethodField()

    class Meta:
        model = ReviewOpinion
        fields = ["id", "department", "department_name", "focus", "due_on", "verdict",
                  "reasons", "answered_on", "conditions"]  # fmt: skip
        read_only_fields = fields

    def get_conditions(self, obj: ReviewOpinion) -> list[dict]:
        return [
            {"task": t.pk, "title": t.title, "due_on": t.due_on, "status": t.status}
            for t in obj.tasks.all()
        ]


class ReviewSerializer(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", read_only=True)
    unit = serializers.CharField(source="project.unit.code", read_only=True)
    final_outcome = serializers.ChoiceField(choices=ReviewOutcome.choices, read_only=True)
    opinions = OpinionSerializer(many=True, read_only=True)

    class Meta:
        model = JointReview
        fields = ["id", "project", "project_name", "unit", "sent_on", "outcome", "decision",
                  "decision_reason", "final_outcome", "decided_on", "is_closed", "opinions"]  # fmt: skip
        read_only_fields = fields


class OpinionInput(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[c for c in Verdict.choices if c[0]])
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list, max_length=20
    )
    conditions_due_on = serializers.DateField(required=False, allow_null=True, default=None)


STATE = OpenApiParameter(
    "state", str, description="open：未办结；reviewing/passed/conditional/rejected：按结论筛选"
)


@extend_schema_view(
    list=extend_schema(summary="联评联审（本人可见范围）", parameters=[STATE], responses={200: ReviewSerializer(many=True), 403: E403}),
    retrieve=extend_schema(summary="一次联评联审及各部门意见", responses={200: ReviewSerializer, 403: E403, 404: E404}),
)  # fmt: skip
class ReviewViewSet(RestrictedReadOnlyViewSet):
    """Joint reviews in the caller's scope: a unit its projects', a department those it is asked
    to give an opinion on, the city all."""

    queryset = JointReview.objects.select_related("project", "project__unit").prefetch_related(
        "opinions__department", "opinions__tasks"
    )
    serializer_class = ReviewSerializer
    filter_backends: list = []
    # Giving an opinion is checked against ReviewOpinion inside the action (403 without it).
    action_permissions = {"opinion": "view"}

    def get_queryset(self):
        qs = super().get_queryset().order_by("-sent_on", "-id")
        state = self.request.query_params.get("state", "")
        if self.action == "list" and state == "open":
            qs = qs.filter(is_closed=False)
        elif self.action == "list" and state in ReviewOutcome.values:
            qs = qs.filter(Q(decision=state) | Q(decision="", outcome=state))
        return qs

    @extend_schema(
        summary="本部门对此联评联审提出意见",
        request=OpinionInput,
        responses={200: OpinionSerializer, 400: E400, 403: E403, 404: E404},
    )
    @action(detail=True, methods=["post"])
    def opinion(self, request, pk=None):
        review = self.get_object()
        user = request.user
        if not has_model_permission(user, "change", ReviewOpinion):
            raise PermissionDenied("没有提出联审意见的权限")
        opinion = (
            ReviewOpinion.objects.restrict(user, "change")
            .filter(review=review, department_id=user.department_id)
            .first()
        )
        if opinion is None:
            raise PermissionDenied("本部门不是此联评联审的审查部门")
        data = OpinionInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            given = svc.opinion_give(opinion=opinion, actor=user, **data.validated_data)
        return Response(OpinionSerializer(given).data)
