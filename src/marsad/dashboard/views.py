from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marsad.dashboard.selectors import dashboard_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/home.html", dashboard_context(user=request.user))
