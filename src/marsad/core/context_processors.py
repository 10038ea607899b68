from typing import Any

from django.conf import settings
from django.http import HttpRequest

from marsad.core.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items = items_for(user.role, is_superuser=user.is_superuser)
    return {"nav_items": items, "tile_url": settings.MARSAD_TILE_URL}
