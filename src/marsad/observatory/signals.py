"""Data changes that make the gap index stale ask for a (coalesced) recomputation.

Only the request lives here; the work is `tasks.gap_recompute_request`, run once after the
transaction commits however many rows it changed. Bulk writes (COPY, bulk_create) send no
signals: the import services call `gap_recompute_request()` themselves once per import.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from marsad.assistance.models import AidEntry
from marsad.observatory.models import Indicator, IndicatorValue
from marsad.registry.models import Household, Person


def _request_after_commit() -> None:
    from marsad.observatory.tasks import gap_recompute_request

    gap_recompute_request()


def _already_asked() -> bool:
    """Whether this transaction already asks for a recomputation when it commits."""
    return any(
        len(item) > 1 and item[1] is _request_after_commit
        for item in getattr(connection, "run_on_commit", ())
    )


@receiver(post_save, sender=AidEntry, dispatch_uid="observatory_aid_saved")
@receiver(post_delete, sender=AidEntry, dispatch_uid="observatory_aid_deleted")
# An indicator's weight, direction, goalposts or transform change every area's gap.
@receiver(post_save, sender=Indicator, dispatch_uid="observatory_indicator_saved")
@receiver(post_delete, sender=Indicator, dispatch_uid="observatory_indicator_deleted")
@receiver(post_save, sender=IndicatorValue, dispatch_uid="observatory_value_saved")
@receiver(post_delete, sender=IndicatorValue, dispatch_uid="observatory_value_deleted")
@receiver(post_save, sender=Household, dispatch_uid="observatory_household_saved")
@receiver(post_delete, sender=Household, dispatch_uid="observatory_household_deleted")
# People reached through households served as a whole change when a person moves to
# another household or is merged into another record (or the merge is undone).
@receiver(post_save, sender=Person, dispatch_uid="observatory_person_saved")
@receiver(post_delete, sender=Person, dispatch_uid="observatory_person_deleted")
def data_changed(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or _already_asked():
        return
    transaction.on_commit(_request_after_commit)
