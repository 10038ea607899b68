"""Who may call which endpoint. Which records they then see is the selectors' business.

The roles follow the web application's (`marsad.core.navigation`), so a user can do the same
things through the API as on the site and no more.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from marsad.core.navigation import roles_for
from marsad.members.models import Role

#: Roles that work with the registry (the secretariat, a member's admins and case workers).
REGISTRY_ROLES = roles_for("registry:household_list")

#: Roles that register households, always for their own member institution.
REGISTERING_ROLES = frozenset({Role.MEMBER_ADMIN, Role.CASE_WORKER})


class RolesPermission(BasePermission):
    """Signed-in users with one of `roles` (or the superuser), as the site's menu has it."""

    roles: frozenset[str] = frozenset()

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(
            user.is_authenticated and (user.is_superuser or getattr(user, "role", "") in self.roles)
        )


class CanUseRegistry(RolesPermission):
    message = _("Your role does not give access to the family registry.")
    roles = REGISTRY_ROLES


class CanRegisterHouseholds(BasePermission):
    message = _("Only a member institution's administrators and case workers register households.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(
            user.is_authenticated
            and getattr(user, "role", "") in REGISTERING_ROLES
            and getattr(user, "member_id", None) is not None
        )


class CanRecordAid(BasePermission):
    """Recording and reversing deliveries: a member's admins and case workers."""

    message = _("Only a member institution's administrators and case workers record aid.")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(
            user.is_authenticated
            and getattr(user, "role", "") in REGISTERING_ROLES
            and getattr(user, "member_id", None) is not None
        )


#: Roles that see reach figures (the board and the secretariat coalition-wide).
REACH_ROLES = roles_for("aid:reach")


class CanSeeReach(RolesPermission):
    message = _("Your role does not give access to the reach report.")
    roles = REACH_ROLES


#: Roles that see the development gaps, as on the site (every role but the volunteer's).
GAP_ROLES = roles_for("observatory:map")


class CanSeeGaps(RolesPermission):
    message = _("Your role does not give access to the development gaps.")
    roles = GAP_ROLES
