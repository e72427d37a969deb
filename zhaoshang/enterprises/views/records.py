"""Dialogs on the enterprise page: contacts (and the audited reveal of a phone number and e-mail
address), relations, signals,
chain placements. Each is a small htmx dialog that also works as a full page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.core import htmx
from zhaoshang.core.concurrency import version_of
from zhaoshang.core.htmx import submitted
from zhaoshang.core.masking import mask_email, mask_phone

from ..forms import ContactForm, PlacementForm, RelationForm, SignalForm
from ..models import Contact, Enterprise, Placement, PlacementStatus, Relation, Signal
from ..selectors import enterprise_get
from ..services import (
    can_reveal_contacts,
    contact_create,
    contact_reveal,
    contact_update,
    placement_decide,
    relation_create,
    relation_delete,
    signal_create,
    signal_delete,
)
from .common import done, enterprise_trail, require_model


def _back(enterprise: Enterprise, anchor: str) -> str:
    return reverse("enterprises:detail", args=[enterprise.pk]) + f"#{anchor}"


# --- contacts -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """新增联系人。"""
    require_model(request.user, "add", Contact)
    enterprise = enterprise_get(user=request.user, pk=pk)
    back = _back(enterprise, "contacts")
    form = ContactForm(request.POST or None)

    def write() -> str:
        contact_create(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        return f"已新增联系人：{form.cleaned_data['name']}"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "enterprise": enterprise},
        title=f"新增联系人：{enterprise.name}",
        back_url=back,
        breadcrumbs=enterprise_trail(enterprise),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """修改联系人。电话和邮箱显示为遮蔽后的值；不改动即保留原值，输入新值才替换。"""
    require_model(request.user, "change", Contact)
    contact = get_object_or_404(
        Contact.objects.restrict(request.user, "change").select_related("enterprise"), pk=pk
    )
    enterprise = contact.enterprise
    back = _back(enterprise, "contacts")
    initial = {
        "name": contact.name,
        "title": contact.title,
        "phone": mask_phone(contact.phone),
        "email": mask_email(contact.email),
        "note": contact.note,
    }
    form = ContactForm(request.POST or None, initial=initial, version=version_of(contact))
    form.fields["phone"].help_text = "显示的是遮蔽后的号码；不修改即保留原号码，输入新号码则替换"
    form.fields["email"].help_text = "显示的是遮蔽后的邮箱；不修改即保留原邮箱"

    def write() -> str:
        # contact_update keeps a value sent back in its masked form.
        contact_update(actor=request.user, contact=contact, **form.cleaned_data)
        return f"已保存联系人：{contact.name}"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "enterprise": enterprise},
        title=f"修改联系人：{contact.name}",
        back_url=back,
        breadcrumbs=enterprise_trail(enterprise),
    )


@login_required
@require_POST
def contact_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """显示号码: a contact's full phone number and e-mail address for a permitted user; each
    reveal is one audit entry."""
    if not can_reveal_contacts(request.user):
        raise PermissionDenied("您没有查看联系人电话的权限")
    contact = get_object_or_404(
        Contact.objects.restrict(request.user, "view").select_related("enterprise"), pk=pk
    )
    try:
        details = contact_reveal(actor=request.user, contact=contact)
    except ValidationError:
        details = {"phone": "", "email": ""}
    return render(request, "enterprises/partials/phone.html", {"contact": contact, **details})


# --- relations ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def relation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """登记企业关系（供应商、客户、投资方、子公司），以本企业的视角填写。"""
    require_model(request.user, "add", Relation)
    enterprise = enterprise_get(user=request.user, pk=pk)
    back = _back(enterprise, "relations")
    form = RelationForm(request.POST or None)

    def write() -> str:
        kind, incoming = form.direction()
        other = form.cleaned_data["other_uscc"]
        source, target = (other, enterprise) if incoming else (enterprise, other)
        relation_create(
            actor=request.user,
            source=source,
            target=target,
            kind=kind,
            note=form.cleaned_data["note"],
            since=form.cleaned_data["since"],
        )
        return f"已登记与“{other.name}”的关系"

    if response := submitted(
        request,
        form,
        write,
        back_url=back,
        aliases={"target": "other_uscc", "source": "other_uscc"},
    ):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "enterprise": enterprise},
        title=f"登记企业关系：{enterprise.name}",
        back_url=back,
        breadcrumbs=enterprise_trail(enterprise),
    )


@login_required
@require_POST
def relation_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_model(request.user, "delete", Relation)
    relation = get_object_or_404(
        Relation.objects.restrict(request.user, "delete").select_related("source", "target"),
        pk=pk,
    )
    anchor_of = request.POST.get("enterprise")
    enterprise = relation.target if anchor_of == str(relation.target_id) else relation.source
    relation_delete(actor=request.user, relation=relation)
    messages.success(request, "已删除企业关系")
    return done(request, _back(enterprise, "relations"))


# --- signals ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def signal_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """登记企业动态（日期、类型、来源）。"""
    require_model(request.user, "add", Signal)
    enterprise = enterprise_get(user=request.user, pk=pk)
    back = _back(enterprise, "signals")
    form = SignalForm(request.POST or None)

    def write() -> str:
        signal_create(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        return "已登记企业动态"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "enterprise": enterprise},
        title=f"登记企业动态：{enterprise.name}",
        back_url=back,
        breadcrumbs=enterprise_trail(enterprise),
    )


@login_required
@require_POST
def signal_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_model(request.user, "delete", Signal)
    signal = get_object_or_404(
        Signal.objects.restrict(request.user, "delete").select_related("enterprise"), pk=pk
    )
    enterprise = signal.enterprise
    signal_delete(actor=request.user, signal=signal)
    messages.success(request, "已删除企业动态")
    return done(request, _back(enterprise, "signals"))


# --- placements ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def placement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """确认、否定或新增企业所在的产业链环节；人工判断优先于自动归类。"""
    require_model(request.user, "add", Placement)
    require_model(request.user, "change", Placement)
    enterprise = enterprise_get(user=request.user, pk=pk)
    back = _back(enterprise, "placements")
    form = PlacementForm(request.POST or None, initial={"status": PlacementStatus.CONFIRMED})

    def write() -> str:
        placement = placement_decide(
            actor=request.user,
            enterprise=enterprise,
            node=form.cleaned_data["node"],
            status=form.cleaned_data["status"],
        )
        return f"已{placement.get_status_display()}：{placement.node.name}"

    if response := submitted(request, form, write, back_url=back):
        return response
    return htmx.render_dialog(
        request,
        "core/dialogs/form.html",
        {"form": form, "enterprise": enterprise},
        title=f"产业链环节：{enterprise.name}",
        back_url=back,
        breadcrumbs=enterprise_trail(enterprise),
    )
