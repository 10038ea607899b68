"""Recompute requests are coalesced: a burst of changes queues one task."""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from marsad.observatory.models import GapSnapshot, Indicator, RecomputeRequest
from marsad.observatory.tasks import gap_recompute_request, gap_recompute_task
from marsad.registry.models import Person
from marsad.registry.services import person_move
from tests.assistance.factories import entry_create, family_create
from tests.factories import secretariat_create

pytestmark = pytest.mark.django_db


def queued():
    return DBTaskResult.objects.filter(task_path__endswith="gap_recompute_task").count()


def test_two_requests_queue_one_task():
    # when
    first = gap_recompute_request()
    second = gap_recompute_request()
    # then
    assert (first, second) == (True, False)
    assert queued() == 1
    row = RecomputeRequest.objects.get(pk=1)
    assert row.pending is True
    assert row.requested_at is not None


def test_a_request_after_the_task_started_queues_the_next_one():
    gap_recompute_request()
    gap_recompute_task.call()  # the worker starts it: the flag is cleared
    assert RecomputeRequest.objects.get(pk=1).pending is False
    assert GapSnapshot.objects.count() == 2
    assert gap_recompute_request() is True
    assert queued() == 2


def test_a_lost_task_does_not_block_requests_for_ever():
    gap_recompute_request()
    DBTaskResult.objects.all().delete()
    assert gap_recompute_request() is True
    assert queued() == 1


def test_recording_deliveries_asks_once_per_transaction(nour, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        household = family_create(member=nour, size=1)
        entry_create(member=nour, household=household)
        entry_create(member=nour, household=household)
    assert len(callbacks) == 1
    assert queued() == 1


@pytest.fixture
def served_family(nour):
    """A household of two served as a whole and a household of one, registered and
    recomputed long ago: their own request is no longer pending."""
    served = family_create(member=nour, size=2)
    other = family_create(member=nour, size=1)
    entry_create(member=nour, household=served)
    connection.run_on_commit.clear()
    son = Person.objects.get(household=served, relation=Person.Relation.SON)
    return son, other


def test_a_person_moving_to_another_household_asks_for_a_recompute(
    served_family, django_capture_on_commit_callbacks
):
    # given: the son counts among the people reached through his household's delivery
    son, other = served_family
    # when
    with django_capture_on_commit_callbacks(execute=True):
        person_move(
            person=son, household=other, relation=Person.Relation.SON, by=secretariat_create()
        )
    # then
    assert queued() == 1


def test_a_person_merged_into_another_record_asks_for_a_recompute(
    served_family, django_capture_on_commit_callbacks
):
    son, other = served_family
    with django_capture_on_commit_callbacks(execute=True):
        son.status, son.merged_into = Person.Status.MERGED, other.head
        son.save(update_fields=["status", "merged_into", "updated_at"])
    assert queued() == 1


def test_an_indicators_weight_changed_asks_for_a_recompute(django_capture_on_commit_callbacks):
    # given: the seeded indicators
    indicator = Indicator.objects.order_by("pk").first()
    assert indicator is not None
    # when: the secretariat gives it another weight in the administration
    with django_capture_on_commit_callbacks(execute=True):
        indicator.weight = indicator.weight + 1
        indicator.save()
    # then
    assert queued() == 1
