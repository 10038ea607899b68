from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marsad.core.navigation import roles_for
from marsad.core.permissions import role_required
from marsad.registry import selectors

REGISTRY_ROLES = roles_for("registry:household_list")


@role_required(*REGISTRY_ROLES)
def household_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.household_list(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/household_list.html", {"page": page})


@role_required(*REGISTRY_ROLES)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_detail(user=request.user, pk=pk, request=request)
    return render(request, "registry/household_detail.html", {"household": household})
