from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marsad.core.navigation import roles_for
from marsad.core.permissions import role_required
from marsad.members import selectors, services
from marsad.members.forms import BranchForm, MemberForm


@role_required(*roles_for("members:member_list"))
def member_list(request: HttpRequest) -> HttpResponse:
    return render(request, "members/member_list.html", {"members": selectors.member_directory()})


@login_required
def member_detail(request: HttpRequest, slug: str) -> HttpResponse:
    member = selectors.member_detail(user=request.user, slug=slug)
    return render(
        request,
        "members/member_detail.html",
        {"member": member, "can_manage": services.can_manage_member(request.user, member)},
    )


@login_required
def member_edit(request: HttpRequest, slug: str) -> HttpResponse:
    member = selectors.member_detail(user=request.user, slug=slug)
    if not services.can_manage_member(request.user, member):
        raise PermissionDenied
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        governorates = data.pop("governorates")
        services.member_update(
            member=member,
            by=request.user,
            governorate_ids=[g.pk for g in governorates],
            **data,
        )
        messages.success(request, _("The institution's details were saved."))
        return redirect("members:member_detail", slug=member.slug)
    return render(request, "members/member_form.html", {"member": member, "form": form})


@login_required
def branch_create(request: HttpRequest, slug: str) -> HttpResponse:
    member = selectors.member_detail(user=request.user, slug=slug)
    if not services.can_manage_member(request.user, member):
        raise PermissionDenied
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.branch_create(member=member, by=request.user, **form.cleaned_data)
        messages.success(request, _("The branch was added."))
        return redirect("members:member_detail", slug=member.slug)
    return render(request, "members/branch_form.html", {"member": member, "form": form})


@role_required(*roles_for("members:body_list"))
def body_list(request: HttpRequest) -> HttpResponse:
    return render(request, "members/body_list.html", {"bodies": selectors.body_list()})


@role_required(*roles_for("members:partner_list"))
def partner_list(request: HttpRequest) -> HttpResponse:
    return render(request, "members/partner_list.html", {"partners": selectors.partner_list()})
