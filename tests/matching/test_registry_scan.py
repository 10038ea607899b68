"""The registry-wide duplicate scan: service, worker task, screen and `marsad dedupe --registry`."""

import datetime
import os
import signal
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marsad.core.errors import ApplicationError
from marsad.core.models import AuditEvent
from marsad.matching import scan as scan_module
from marsad.matching.errors import MatchingError
from marsad.matching.models import DuplicateCase, RegistryScan
from marsad.matching.scan import registry_scan_create, registry_scan_run
from marsad.matching.services import case_mark_distinct
from marsad.matching.tasks import registry_scan_start
from marsad.members.models import Role
from marsad.registry.models import Person
from marsad.registry.services import HouseholdInput, household_register
from marsad.registry.validation import PersonInput
from tests.factories import member_create, secretariat_create, user_create

HOUSEHOLD = HouseholdInput(governorate="24", village="دير مواس")


def head(**fields):
    values = {
        "full_name": "محمد أحمد علي الشافعي",
        "gender": "M",
        "birth_date": datetime.date(1982, 8, 15),
        "relation": "head",
        "phone": "01012345678",
    }
    return PersonInput(**{**values, **fields})


def registry_with_a_duplicate_and_a_brother():
    """Two members register one man (a spelling variant, no ID); one registers his brother.

    Registration already raises the pair; its case is removed so that the registry looks
    like one filled by imports or before the online check: only the scan can find the pair.
    """
    nour = user_create(role=Role.CASE_WORKER, member=member_create(slug="scan-nour"))
    amal = user_create(role=Role.CASE_WORKER, member=member_create(slug="scan-amal"))

    def register(user, person):
        result = household_register(
            member=user.member, by=user, household=HOUSEHOLD, people=[person]
        )
        return result.created[0]

    first = register(nour, head())
    variant = register(amal, head(full_name="محمد احمد على الشافعى"))
    brother = register(
        amal, head(full_name="مصطفى أحمد علي الشافعي", birth_date=datetime.date(1985, 3, 3))
    )
    DuplicateCase.objects.all().delete()
    return first, variant, brother


def pairs(**filters):
    return {
        frozenset((case.person_a_id, case.person_b_id))
        for case in DuplicateCase.objects.filter(**filters)
    }


def scan_now(by=None):
    scan = registry_scan_create(by=by)
    registry_scan_run(scan=scan)
    scan.refresh_from_db()
    return scan


@pytest.fixture
def secretariat(db):
    return secretariat_create()


@pytest.fixture
def people(db):
    return registry_with_a_duplicate_and_a_brother()


def test_scan_opens_one_case_for_the_duplicate_and_none_for_the_brother(people, secretariat):
    first, variant, brother = people
    statuses_before = dict(Person.objects.values_list("pk", "status"))
    # when
    scan = scan_now(by=secretariat)
    # then
    assert pairs() == {frozenset((first.pk, variant.pk))}
    assert all(brother.pk not in pair for pair in pairs())
    case = DuplicateCase.objects.get()
    assert (case.status, case.source) == (DuplicateCase.Status.OPEN, DuplicateCase.Source.SCAN)
    assert case.probability >= 0.5
    assert case.evidence  # the model's contributions, as registration records them
    assert (scan.status, scan.stage, scan.error) == (RegistryScan.Status.DONE, "", "")
    assert scan.records_done == scan.records_total == 3
    assert scan.pairs_scored >= 1
    assert scan.cases_opened == 1
    assert scan.started_at <= scan.finished_at
    # Nothing is merged and no record changes status: the scan only raises pairs.
    assert dict(Person.objects.values_list("pk", "status")) == statuses_before
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    events = AuditEvent.objects.filter(target_type="matching.registryscan", target_id=scan.pk)
    assert [e.changes.get("run") for e in events.order_by("pk")] == [None, "started", "done"]
    assert events.filter(actor=secretariat).count() == 3


def test_scanning_again_opens_nothing_new(people, secretariat):
    scan_now(by=secretariat)
    again = scan_now(by=secretariat)
    assert again.status == RegistryScan.Status.DONE
    assert again.cases_opened == 0
    assert DuplicateCase.objects.count() == 1


def test_a_pair_marked_distinct_never_comes_back(people, secretariat):
    scan_now(by=secretariat)
    case_mark_distinct(case=DuplicateCase.objects.get(), by=secretariat)
    again = scan_now(by=secretariat)
    assert again.cases_opened == 0
    assert list(DuplicateCase.objects.values_list("status", flat=True)) == [
        DuplicateCase.Status.DISTINCT
    ]
    assert not Person.objects.filter(status=Person.Status.MERGED).exists()


def test_merged_records_are_not_scanned(people, secretariat):
    first, variant, _brother = people
    Person.objects.filter(pk=variant.pk).update(status=Person.Status.MERGED, merged_into=first)
    scan = scan_now(by=secretariat)
    assert scan.records_done == scan.records_total == 2
    assert not DuplicateCase.objects.exists()


def test_an_empty_registry_is_scanned_without_error(db):
    scan = scan_now()
    assert (scan.status, scan.records_total, scan.pairs_scored) == ("done", 0, 0)


def test_a_failure_is_recorded_on_the_scan(people, secretariat, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("DuckDB ran out of memory")

    monkeypatch.setattr(scan_module, "_edges", broken)
    scan = registry_scan_create(by=secretariat)
    with pytest.raises(RuntimeError):
        registry_scan_run(scan=scan)
    scan.refresh_from_db()
    assert scan.status == RegistryScan.Status.FAILED
    assert scan.error == "RuntimeError: DuckDB ran out of memory"
    assert scan.finished_at is not None
    assert scan.stage == RegistryScan.Stage.SCORING
    # A failed scan does not block the next one.
    assert registry_scan_create(by=secretariat).status == RegistryScan.Status.QUEUED


def test_a_scan_runs_once(people):
    scan = scan_now()
    with pytest.raises(ApplicationError) as error:
        registry_scan_run(scan=scan)
    assert error.value.code == MatchingError.SCAN_NOT_QUEUED


def test_a_second_scan_is_refused_while_one_is_queued_or_running(secretariat):
    first = registry_scan_start(by=secretariat)
    assert first.status == RegistryScan.Status.QUEUED
    assert DBTaskResult.objects.filter(pk=first.task_id).exists()
    with pytest.raises(ApplicationError) as error:
        registry_scan_start(by=secretariat)
    assert error.value.code == MatchingError.SCAN_RUNNING
    RegistryScan.objects.filter(pk=first.pk).update(status=RegistryScan.Status.RUNNING)
    with pytest.raises(ApplicationError):
        registry_scan_create(by=secretariat)
    assert RegistryScan.objects.count() == 1


def test_a_scan_whose_task_ended_without_it_does_not_block_the_next(secretariat):
    stuck = registry_scan_start(by=secretariat)
    DBTaskResult.objects.filter(pk=stuck.task_id).update(status=TaskResultStatus.FAILED)
    registry_scan_start(by=secretariat)
    stuck.refresh_from_db()
    assert stuck.status == RegistryScan.Status.FAILED
    assert stuck.error


# The worker ---------------------------------------------------------------------------


@pytest.fixture
def signals_restored():
    """db_worker installs its own SIGINT/SIGTERM handlers; put pytest's back afterwards."""
    names = [signal.SIGINT, signal.SIGTERM] + (
        [signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []
    )
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


def test_the_worker_runs_a_queued_scan(reference_transactional_db, signals_restored):
    first, variant, _brother = registry_with_a_duplicate_and_a_brother()
    scan = registry_scan_start(by=secretariat_create())
    # when
    call_command(
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0",
        "--worker-id=test-scan-worker",
        verbosity=0,
        stdout=StringIO(),
    )
    # then
    scan.refresh_from_db()
    assert scan.status == RegistryScan.Status.DONE, scan.error
    assert scan.records_done == scan.records_total == 3
    assert scan.cases_opened == 1
    assert pairs(source="scan") == {frozenset((first.pk, variant.pk))}
    task = DBTaskResult.objects.get(pk=scan.task_id)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["test-scan-worker"]
    assert task.task_result.return_value == {
        "records": 3,
        "pairs_scored": scan.pairs_scored,
        "cases_opened": 1,
    }


# The screen ---------------------------------------------------------------------------


def test_the_secretariat_sees_the_page_and_starts_a_scan(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("scan:scan"))
    assert page.status_code == 200
    assert 'data-testid="start-scan"' in page.content.decode()
    # when
    response = client.post(reverse("scan:start"))
    # then
    assert response.status_code == 302
    scan = RegistryScan.objects.get()
    assert (scan.status, scan.started_by) == (RegistryScan.Status.QUEUED, secretariat)
    assert DBTaskResult.objects.filter(pk=scan.task_id, status=TaskResultStatus.READY).exists()
    page = client.get(reverse("scan:scan")).content.decode()
    progress_url = reverse("scan:progress", args=[scan.pk])
    assert f'hx-get="{progress_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "disabled" in page
    # A second start while this one waits is refused with a message, not an error page.
    response = client.post(reverse("scan:start"), follow=True)
    assert response.status_code == 200
    assert RegistryScan.objects.count() == 1
    assert [str(m) for m in response.context["messages"]]


def test_the_progress_fragment_stops_polling_when_the_scan_ends(client, secretariat):
    client.force_login(secretariat)
    scan = registry_scan_start(by=secretariat)
    url = reverse("scan:progress", args=[scan.pk])
    running = client.get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" in running.content.decode()
    assert "HX-Refresh" not in running
    RegistryScan.objects.filter(pk=scan.pk).update(
        status=RegistryScan.Status.DONE, records_total=3, records_done=3
    )
    done = client.get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()
    assert done["HX-Refresh"] == "true"


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.MEMBER_ADMIN, Role.BOARD_MEMBER])
def test_other_roles_are_refused(client, db, role):
    member = member_create() if role in {Role.CASE_WORKER, Role.MEMBER_ADMIN} else None
    client.force_login(user_create(role=role, member=member))
    assert client.get(reverse("scan:scan")).status_code == 403
    assert client.post(reverse("scan:start")).status_code == 403
    assert not RegistryScan.objects.exists()


def test_the_superuser_may_scan(client, db):
    client.force_login(
        user_create(role=Role.CASE_WORKER, member=member_create(), is_superuser=True)
    )
    assert client.get(reverse("scan:scan")).status_code == 200


# The command --------------------------------------------------------------------------


def test_dedupe_registry_runs_the_scan_in_the_command(people):
    first, variant, _brother = people
    out = StringIO()
    call_command("dedupe", "--registry", stdout=out)
    summary = out.getvalue().strip().splitlines()[-1]
    assert " records=3 pairs_scored=" in summary
    assert " cases_opened=1 seconds=" in summary
    scan = RegistryScan.objects.get()
    assert (scan.status, scan.started_by, scan.task_id) == ("done", None, "")
    assert pairs(source="scan") == {frozenset((first.pk, variant.pk))}


def test_dedupe_registry_refuses_while_a_scan_is_under_way(db):
    registry_scan_create(by=None)
    with pytest.raises(CommandError) as error:
        call_command("dedupe", "--registry")
    assert error.value.returncode == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--registry", "people.csv"),
        ("--registry", "--output", "out.csv"),
        ("--registry", "--engine", "spark"),
        ("--registry", "--threshold", "0.9"),
    ],
)
def test_dedupe_registry_takes_no_file_options(db, args):
    with pytest.raises(CommandError) as error:
        call_command("dedupe", *args)
    assert error.value.returncode == 2
    assert not RegistryScan.objects.exists()


@pytest.mark.parametrize("args", [(), ("people.csv",), ("--output", "out.csv")])
def test_dedupe_without_registry_still_needs_input_and_output(tmp_path, args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "marsad", "dedupe", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2
    assert "--registry" in result.stderr
    assert not (tmp_path / "out.csv").exists()
