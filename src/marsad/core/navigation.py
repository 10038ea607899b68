"""The navigation each role sees. One table, so the menu and the permissions agree."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marsad.members.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    roles: frozenset[str]


ALL_ROLES = frozenset(Role.values)
STAFF = frozenset({Role.SECRETARIAT_ANALYST, Role.MEMBER_ADMIN, Role.CASE_WORKER})

NAVIGATION: tuple[NavItem, ...] = (
    NavItem("dashboard:home", _("Dashboard"), ALL_ROLES),
    NavItem("registry:household_list", _("Households"), STAFF),
    NavItem(
        "registry:register_household",
        _("Register a household"),
        frozenset({Role.MEMBER_ADMIN, Role.CASE_WORKER}),
    ),
    NavItem(
        "imports:batch_list",
        _("Imports"),
        frozenset({Role.MEMBER_ADMIN, Role.SECRETARIAT_ANALYST}),
    ),
    NavItem("registry:search", _("Search the coalition"), STAFF),
    NavItem("matching:case_list", _("Possible duplicates"), STAFF),
    NavItem("scan:scan", _("Registry scan"), frozenset({Role.SECRETARIAT_ANALYST})),
    NavItem("aid:entry_list", _("Aid ledger"), STAFF),
    NavItem("aid:conflict_list", _("Aid conflicts"), STAFF),
    NavItem("aid:rules", _("Aid categories and rules"), STAFF),
    NavItem(
        "aid:reach",
        _("Reach report"),
        frozenset({Role.SECRETARIAT_ANALYST, Role.BOARD_MEMBER, Role.MEMBER_ADMIN}),
    ),
    NavItem("observatory:map", _("Development gaps"), ALL_ROLES - {Role.VOLUNTEER}),
    NavItem(
        "members:member_list",
        _("Member institutions"),
        frozenset(
            {
                Role.SECRETARIAT_ANALYST,
                Role.MEMBER_ADMIN,
                Role.BOARD_MEMBER,
                Role.VOLUNTEER_COORDINATOR,
            }
        ),
    ),
    NavItem(
        "members:body_list",
        _("Coalition bodies"),
        frozenset({Role.SECRETARIAT_ANALYST, Role.BOARD_MEMBER, Role.MEMBER_ADMIN}),
    ),
    NavItem(
        "members:partner_list",
        _("Partners"),
        frozenset({Role.SECRETARIAT_ANALYST, Role.BOARD_MEMBER}),
    ),
    NavItem(
        "geo:governorate_list",
        _("Geography"),
        frozenset({Role.SECRETARIAT_ANALYST, Role.BOARD_MEMBER, Role.MEMBER_ADMIN}),
    ),
    NavItem(
        "core:audit_list", _("Audit log"), frozenset({Role.SECRETARIAT_ANALYST, Role.MEMBER_ADMIN})
    ),
)


def items_for(role: str, *, is_superuser: bool = False) -> list[NavItem]:
    return [item for item in NAVIGATION if is_superuser or role in item.roles]


def roles_for(url_name: str) -> frozenset[str]:
    for item in NAVIGATION:
        if item.url_name == url_name:
            return item.roles
    raise KeyError(url_name)
