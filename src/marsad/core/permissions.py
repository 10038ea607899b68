"""Who may see what.

The rule every view follows: coalition-wide users (the secretariat) see all members'
records; everyone else sees only records of their own member institution. Records of another
member are reported as not found (404), so their existence is not disclosed either.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

ModelT = TypeVar("ModelT", bound=Model)
View = Callable[..., HttpResponseBase]


def scope_to_member(
    queryset: QuerySet[ModelT], user: Any, *, field: str = "member"
) -> QuerySet[ModelT]:
    if getattr(user, "is_coalition_wide", False):
        return queryset
    member_id = getattr(user, "member_id", None)
    if member_id is None:
        return queryset.none()
    return queryset.filter(**{field: member_id})


def get_scoped_or_404(
    queryset: QuerySet[ModelT], user: Any, *, field: str = "member", **lookup: Any
) -> ModelT:
    return get_object_or_404(scope_to_member(queryset, user, field=field), **lookup)


def role_required(*roles: str) -> Callable[[View], View]:
    """Only signed-in users with one of `roles` (or the superuser) reach the view."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user: Any = request.user
            if not (user.is_superuser or user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
