from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language

from marsad.core.navigation import roles_for
from marsad.core.permissions import role_required
from marsad.geo import selectors


@role_required(*roles_for("geo:governorate_list"))
def governorate_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "geo/governorate_list.html", {"governorates": selectors.governorate_list()}
    )


@login_required
def governorates_geojson(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        selectors.governorates_geojson(language=get_language() or "ar"),
        json_dumps_params={"ensure_ascii": False},
    )
