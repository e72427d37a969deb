"""API for the enterprise library: enterprises (with contacts, relations, signals, placements),
the import (`POST /api/enterprises/import/`) and the key target list (`/api/target-entries/`).

Every write goes through the services; viewsets only translate HTTP.
"""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from zhaoshang.core.api import (
    E400,
    E403,
    E412,
    ETAG,
    IF_MATCH,
    RestrictedViewSetMixin,
    VersionedViewSetMixin,
    service_errors,
)
from zhaoshang.core.converters import ID_PATTERN
from zhaoshang.core.filtersets import FilterBackend, FilterSet
from zhaoshang.core.parsers import NulFreeMultiPartParser
from zhaoshang.core.permissions import has_model_permission

from .filters import EnterpriseFilter
from .importing.service import import_job_create, import_job_run, require_import
from .models import (
    Contact,
    Enterprise,
    ImportJob,
    ImportStatus,
    Placement,
    Relation,
    Signal,
    TargetEntry,
    TargetStatus,
)
from .selectors import (
    contacts_for,
    placements_for,
    relations_for,
    signals_for,
)
from .serializers import (
    ContactInputSerializer,
    ContactSerializer,
    EnterpriseInputSerializer,
    EnterpriseSerializer,
    ImportReportSerializer,
    ImportRequestSerializer,
    PhoneSerializer,
    PlacementDecisionSerializer,
    PlacementSerializer,
    RelationInputSerializer,
    RelationRowSerializer,
    SignalInputSerializer,
    SignalRowSerializer,
    TargetEntryInputSerializer,
    TargetEntrySerializer,
    TargetRemoveSerializer,
)
from .services import (
    can_reveal_contacts,
    contact_create,
    contact_reveal,
    enterprise_create,
    enterprise_update,
    placement_decide,
    relation_create,
    signal_create,
    target_entry_create,
    target_entry_delete,
    target_entry_update,
)

# Which model's permission each extra action needs (the HTTP method gives the action).
_ACTION_MODELS = {
    "contacts": Contact,
    "reveal_phone": Contact,
    "relations": Relation,
    "signals": Signal,
    "placements": Placement,
    "import_file": ImportJob,
}


@extend_schema_view(
    list=extend_schema(summary="企业列表"),
    retrieve=extend_schema(summary="企业详情（ETag 为当前版本）", parameters=[ETAG]),
)
@extend_schema(tags=["enterprises"])
class EnterpriseViewSet(
    VersionedViewSetMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The enterprise library (shared by every unit)."""

    queryset = Enterprise.objects.select_related("parent").prefetch_related("tags")
    serializer_class = EnterpriseSerializer
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "created_at", "registered_capital_wan", "founded_on"]
    action_permissions = {"reveal_phone": "view"}

    @property
    def permission_model(self):
        return _ACTION_MODELS.get(getattr(self, "action", None) or "")

    def _parse(self, **kwargs) -> dict:
        serializer = EnterpriseInputSerializer(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.to_service()

    def _fresh(self, pk: int) -> Enterprise:
        return self.get_queryset().get(pk=pk)

    @extend_schema(
        summary="登记企业",
        request=EnterpriseInputSerializer,
        responses={201: EnterpriseSerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        data = self._parse()
        with service_errors():
            enterprise = enterprise_create(actor=request.user, **data)
        return Response(
            EnterpriseSerializer(self._fresh(enterprise.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="修改企业",
        description="带 `If-Match`（详情返回的 ETag）时，企业已被他人修改则返回 412，不保存。",
        request=EnterpriseInputSerializer,
        parameters=[IF_MATCH],
        responses={200: EnterpriseSerializer, 400: E400, 403: E403, 412: E412},
    )
    def partial_update(self, request, *args, **kwargs):
        enterprise = self.get_object()
        data = self._parse(partial=True)
        tags = data.pop("tags", None)
        with service_errors():
            enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                tags=tags,
                version=self.if_match(),
                **data,
            )
        fresh = self._fresh(enterprise.pk)
        return self.versioned(Response(EnterpriseSerializer(fresh).data), fresh)

    # --- the import ------------------------------------------------------------------------

    @extend_schema(
        summary="导入企业（Excel/CSV）",
        description=(
            "上传 `file`（.xlsx 或 .csv，中文列名），逐行校验。`dry_run=true`（默认）只校验并报告"
            "将新增、将更新多少家；`dry_run=false` 在校验全部通过时按统一社会信用代码一次性写入"
            "（一个事务；任一行有错则一条也不写入）。错误按行号和列名列出。"
        ),
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportReportSerializer,
            # The validation report (ImportReport) when rows have errors; field errors when the
            # request itself is wrong (no file, an unknown format).
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="校验报告（ImportReport：有错误的行），或请求本身有误（按字段的错误）",
            ),
            403: E403,
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[NulFreeMultiPartParser, FormParser],
    )
    def import_file(self, request):
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            require_import(request.user)
            job = import_job_create(
                actor=request.user,
                file=serializer.validated_data["file"],
                dry_run=serializer.validated_data["dry_run"],
            )
        try:
            report = import_job_run(job=job, actor=request.user)
            body = report.as_dict()
        except Exception:
            job.refresh_from_db()
            body = dict(job.report or {})
        body["job"] = job.pk
        ok = body.get("ok", False) and job.status in (ImportStatus.VALIDATED, ImportStatus.IMPORTED)
        keys = ("ok", "dry_run", "rows", "created", "updated", "errors", "error_count", "truncated", "job")  # fmt: skip
        payload = {k: body.get(k) for k in keys}
        payload["ok"] = ok
        return Response(payload, status=status.HTTP_200_OK if ok else status.HTTP_400_BAD_REQUEST)

    # --- what hangs off an enterprise ------------------------------------------------------

    @extend_schema(
        summary="企业联系人（电话、邮箱一律遮蔽）/ 新增联系人",
        request=ContactInputSerializer,
        responses={200: ContactSerializer(many=True), 201: ContactSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def contacts(self, request, pk=None):
        enterprise = self.get_object()
        if request.method == "POST":
            serializer = ContactInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                contact = contact_create(
                    actor=request.user, enterprise=enterprise, **serializer.validated_data
                )
            return Response(
                ContactSerializer(contact, context={"request": request}).data,
                status=status.HTTP_201_CREATED,
            )
        rows = contacts_for(user=request.user, enterprise=enterprise)
        return Response(ContactSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        summary="显示联系人完整电话和邮箱（每次记入审计日志）",
        request=None,
        responses={200: PhoneSerializer, 403: E403},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"contacts/(?P<contact_id>{ID_PATTERN})/reveal",
    )
    def reveal_phone(self, request, pk=None, contact_id=None):
        enterprise = self.get_object()
        if not can_reveal_contacts(request.user):
            raise DRFPermissionDenied("您没有查看联系人电话的权限")
        contact = get_object_or_404(
            Contact.objects.restrict(request.user, "view"), pk=contact_id, enterprise=enterprise
        )
        with service_errors():
            details = contact_reveal(actor=request.user, contact=contact)
        return Response({"contact": contact.pk, **details})

    @extend_schema(
        summary="关联企业（双向）/ 登记关系",
        request=RelationInputSerializer,
        responses={200: RelationRowSerializer(many=True), 201: RelationRowSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def relations(self, request, pk=None):
        enterprise = self.get_object()
        if request.method == "POST":
            serializer = RelationInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            other = data["other_uscc"]
            source, target = (
                (other, enterprise) if data["direction"] == "in" else (enterprise, other)
            )
            with service_errors():
                relation = relation_create(
                    actor=request.user,
                    source=source,
                    target=target,
                    kind=data["kind"],
                    note=data.get("note", ""),
                    since=data.get("since"),
                )
            row = next(
                r
                for r in relations_for(user=request.user, enterprise=enterprise)
                if r.relation.pk == relation.pk
            )
            return Response(RelationRowSerializer(row).data, status=status.HTTP_201_CREATED)
        rows = relations_for(user=request.user, enterprise=enterprise)
        return Response(RelationRowSerializer(rows, many=True).data)

    @extend_schema(
        summary="企业动态（含衰减后权重）/ 登记动态",
        request=SignalInputSerializer,
        responses={200: SignalRowSerializer(many=True), 201: SignalRowSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def signals(self, request, pk=None):
        enterprise = self.get_object()
        today = timezone.localdate()
        if request.method == "POST":
            serializer = SignalInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                signal = signal_create(
                    actor=request.user, enterprise=enterprise, **serializer.validated_data
                )
            row = next(
                r
                for r in signals_for(user=request.user, enterprise=enterprise, today=today)
                if r.signal.pk == signal.pk
            )
            return Response(SignalRowSerializer(row).data, status=status.HTTP_201_CREATED)
        rows = signals_for(user=request.user, enterprise=enterprise, today=today)
        return Response(SignalRowSerializer(rows, many=True).data)

    @extend_schema(
        summary="所在产业链环节 / 人工确认、否定或新增",
        request=PlacementDecisionSerializer,
        responses={200: PlacementSerializer(many=True), 201: PlacementSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def placements(self, request, pk=None):
        enterprise = self.get_object()
        if request.method == "POST":
            if not has_model_permission(request.user, "change", Placement):
                raise DRFPermissionDenied("没有此项操作权限")
            serializer = PlacementDecisionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            from zhaoshang.industries.models import ChainNode

            node = get_object_or_404(
                ChainNode.objects.restrict(request.user, "view"),
                pk=serializer.validated_data["node"],
            )
            with service_errors():
                placement = placement_decide(
                    actor=request.user,
                    enterprise=enterprise,
                    node=node,
                    status=serializer.validated_data["status"],
                )
            return Response(PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)
        rows = placements_for(user=request.user, enterprise=enterprise)
        return Response(PlacementSerializer(rows, many=True).data)


# --- key target list ----------------------------------------------------------------------------


class TargetEntryFilter(FilterSet):
    year = django_filters.NumberFilter(label="年度")
    direction = django_filters.NumberFilter(
        label="产业链（细分方向 id）", field_name="direction_id"
    )
    owner_unit = django_filters.CharFilter(label="责任单位代码", field_name="owner_unit__code")
    status = django_filters.ChoiceFilter(label="状态", choices=TargetStatus.choices)

    class Meta:
        model = TargetEntry
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="重点目标企业名单"),
    retrieve=extend_schema(summary="重点目标企业（ETag 为当前版本）", parameters=[ETAG]),
)
@extend_schema(tags=["enterprises"])
class TargetEntryViewSet(
    VersionedViewSetMixin,
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Key target enterprises: the city curates; a unit sees and updates its own entries."""

    queryset = TargetEntry.objects.select_related(
        "enterprise", "direction", "node", "owner_unit"
    ).order_by("-year", "direction_id", "enterprise__name", "pk")
    serializer_class = TargetEntrySerializer
    filter_backends = [FilterBackend]
    filterset_class = TargetEntryFilter
    action_permissions = {"remove": "delete"}

    @extend_schema(
        summary="列入重点目标企业（市级）",
        request=TargetEntryInputSerializer,
        responses={201: TargetEntrySerializer, 400: E400, 403: E403},
    )
    def create(self, request, *args, **kwargs):
        serializer = TargetEntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            entry = target_entry_create(actor=request.user, **serializer.validated_data)
        return Response(TargetEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="更新状态与下一步（责任单位）或调整名单（市级）",
        description="带 `If-Match`（详情返回的 ETag）时，名单条目已被他人修改则返回 412，不保存。",
        request=TargetEntryInputSerializer,
        parameters=[IF_MATCH],
        responses={200: TargetEntrySerializer, 400: E400, 403: E403, 412: E412},
    )
    def partial_update(self, request, *args, **kwargs):
        entry = get_object_or_404(
            TargetEntry.objects.restrict(request.user, "change"), pk=kwargs["pk"]
        )
        serializer = TargetEntryInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            target_entry_update(
                actor=request.user,
                entry=entry,
                version=self.if_match(),
                **serializer.validated_data,
            )
        fresh = self.get_queryset().get(pk=entry.pk)
        return self.versioned(Response(TargetEntrySerializer(fresh).data), fresh)

    @extend_schema(
        summary="移出名单（市级；记入审计日志）",
        request=TargetRemoveSerializer,
        responses={204: None, 403: E403},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = get_object_or_404(TargetEntry.objects.restrict(request.user, "delete"), pk=pk)
        serializer = TargetRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            target_entry_delete(
                actor=request.user, entry=entry, reason=serializer.validated_data["reason"]
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
