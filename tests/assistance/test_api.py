"""The aid endpoints: record under the rules, reverse, list, reach; errors; the schema."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marsad.assistance.models import AidConflict, AidEntry
from marsad.core.models import AuditEvent
from marsad.members.models import Role
from tests.assistance.factories import entry_create
from tests.factories import member_create, secretariat_create, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def api(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def grant(household, **fields):
    return {
        "category": "monthly-cash",
        "quantity": "500",
        "delivered_on": "2025-03-05",
        "household_id": household.pk,
        **fields,
    }


def test_recording_returns_the_entry(shared_household, nour_worker):
    response = api(nour_worker).post("/api/aid-entries/", grant(shared_household), format="json")
    assert response.status_code == 201
    body = response.json()
    entry = AidEntry.objects.get()
    assert body["id"] == entry.pk
    assert (body["category"], body["value"], body["governorate"], body["conflicts"]) == (
        "monthly-cash",
        "500.00",
        "24",
        [],
    )


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [("12,5", "12.50"), ("١٫٥", "1.50"), ("1,250", "1250.00"), ("1.005", None), ("12,34,5", None)],
)
def test_amounts_are_read_as_the_forms_and_the_import_read_them(
    shared_household, nour_worker, quantity, expected
):
    grant_with = grant(shared_household, category="food-box", quantity=quantity, value="10")
    response = api(nour_worker).post("/api/aid-entries/", grant_with, format="json")
    if expected is None:
        assert response.status_code == 400
        assert "quantity" in json.dumps(response.json())
    else:
        assert response.status_code == 201, response.json()
        assert str(AidEntry.objects.get().quantity.quantize(Decimal("0.01"))) == expected


@pytest.mark.parametrize("category", ["food-box", "monthly-cash"])
def test_a_source_key_sent_again_adds_nothing(shared_household, nour_worker, category):
    # given: a delivery recorded with the member's reference, and a retry of the same call
    delivery = grant(shared_household, category=category, value="10", source_key="CASH-0001")
    first = api(nour_worker).post("/api/aid-entries/", delivery, format="json")
    assert first.status_code == 201
    # when
    again = api(nour_worker).post("/api/aid-entries/", delivery, format="json")
    # then: the reference's own answer (not a server error, nor the rules' block)
    assert again.status_code == 409
    body = again.json()
    assert (body["code"], body["field"]) == ("aid.source_key_exists", "source_key")
    assert body["message"]
    assert AidEntry.objects.get().pk == first.json()["id"]


def test_block_is_409_with_findings_then_an_admin_overrides(
    shared_household, nour_worker, amal_worker, amal_admin
):
    api(nour_worker).post("/api/aid-entries/", grant(shared_household), format="json")
    blocked = api(amal_worker).post("/api/aid-entries/", grant(shared_household), format="json")
    assert blocked.status_code == 409
    body = blocked.json()
    assert body["code"] == "aid.blocked"
    assert body["findings"] == [
        {
            "action": "block",
            "rule": body["findings"][0]["rule"],
            "others": [
                {
                    "member": "مؤسسة نور",
                    "category": "مساعدة نقدية شهرية",
                    "delivered_on": "2025-03-05",
                }
            ],
        }
    ]
    refused = api(amal_worker).post(
        "/api/aid-entries/", grant(shared_household, override_reason="طارئ"), format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "aid.override_not_allowed")
    assert AidEntry.objects.count() == 1
    done = api(amal_admin).post(
        "/api/aid-entries/", grant(shared_household, override_reason="حريق"), format="json"
    )
    assert done.status_code == 201
    assert done.json()["conflicts"][0]["resolution"] == "overridden"
    assert done.json()["conflicts"][0]["other"]["member"] == "مؤسسة نور"


def test_warning_is_428_until_confirmed(shared_household, nour_worker, amal_worker):
    box = grant(shared_household, category="ramadan-box", quantity="1", value="600")
    api(nour_worker).post("/api/aid-entries/", box, format="json")
    warned = api(amal_worker).post("/api/aid-entries/", box, format="json")
    assert (warned.status_code, warned.json()["code"]) == (428, "aid.confirmation_required")
    assert warned.json()["findings"][0]["action"] == "warn"
    confirmed = api(amal_worker).post("/api/aid-entries/", {**box, "confirm": True}, format="json")
    assert confirmed.status_code == 201
    assert AidConflict.objects.get().resolution == "confirmed"


def test_flag_records_and_reports_the_conflict(shared_household, nour_worker, amal_worker):
    meat = grant(shared_household, category="eid-meat", quantity="2", value="800")
    api(nour_worker).post("/api/aid-entries/", meat, format="json")
    response = api(amal_worker).post("/api/aid-entries/", meat, format="json")
    assert response.status_code == 201
    assert [c["resolution"] for c in response.json()["conflicts"]] == ["flagged"]


def test_invalid_input_lists_every_problem(shared_household, nour_worker):
    response = api(nour_worker).post(
        "/api/aid-entries/",
        grant(shared_household, quantity="0", program="no-such"),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "aid.invalid_input"
    assert {p["field"]: p["code"] for p in body["problems"]} == {
        "quantity": "aid.quantity_invalid",
        "program": "aid.program_unknown",
    }
    assert not AidEntry.objects.exists()


def test_malformed_json_uses_the_common_error_shape(shared_household, nour_worker):
    response = api(nour_worker).post(
        "/api/aid-entries/", grant(shared_household, delivered_on="yesterday"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "core.invalid_input"
    assert response.json()["field"] == "delivered_on"


def test_roles_that_may_not_record(shared_household):
    for user in (secretariat_create(), user_create(role=Role.BOARD_MEMBER)):
        response = api(user).post("/api/aid-entries/", grant(shared_household), format="json")
        assert (response.status_code, response.json()["code"]) == (403, "core.permission_denied")
    assert APIClient().post("/api/aid-entries/", {}, format="json").status_code == 401


def test_a_household_of_another_member_is_unknown(shared_household):
    stranger = user_create(role=Role.CASE_WORKER, member=member_create())
    response = api(stranger).post("/api/aid-entries/", grant(shared_household), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "aid.beneficiary_unknown")


def test_a_beneficiary_problem_names_the_request_field(shared_household, nour_worker):
    stranger = user_create(role=Role.CASE_WORKER, member=member_create())
    unknown = api(stranger).post("/api/aid-entries/", grant(shared_household), format="json")
    assert (unknown.json()["code"], unknown.json()["field"]) == (
        "aid.beneficiary_unknown",
        "household_id",
    )
    person = shared_household.people.first()
    not_served = grant(shared_household, household_id=None, person_id=person.pk)
    response = api(stranger).post("/api/aid-entries/", not_served, format="json")
    assert (response.json()["code"], response.json()["field"]) == (
        "aid.beneficiary_unknown",
        "person_id",
    )
    nobody = grant(shared_household, household_id=None, quantity="0")
    response = api(nour_worker).post("/api/aid-entries/", nobody, format="json")
    assert response.json()["code"] == "aid.invalid_input"
    assert {p["field"]: p["code"] for p in response.json()["problems"]} == {
        "quantity": "aid.quantity_invalid",
        "household_id": "aid.beneficiary_required",
    }
    assert not AidEntry.objects.exists()


def test_reverse_then_reverse_again(shared_household, nour_worker, amal_worker):
    api(nour_worker).post("/api/aid-entries/", grant(shared_household), format="json")
    entry = AidEntry.objects.get()
    url = f"/api/aid-entries/{entry.pk}/reverse/"
    assert api(amal_worker).post(url, {"reason": "x"}, format="json").status_code == 404
    assert api(nour_worker).post(url, {}, format="json").status_code == 400
    response = api(nour_worker).post(url, {"reason": "لم تُسلَّم"}, format="json")
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["reverses_id"], response.json()["value"]) == (
        "reversal",
        entry.pk,
        "-500.00",
    )
    again = api(nour_worker).post(url, {"reason": "مرة أخرى"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "aid.already_reversed")


def test_list_shows_only_the_members_entries(shared_household, nour, amal, nour_worker):
    mine = entry_create(member=nour, household=shared_household)
    entry_create(member=amal, household=shared_household)
    other_household = entry_create(
        member=nour, household=member_household(nour), category="medicines"
    )
    response = api(nour_worker).get("/api/aid-entries/", {"household": shared_household.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [e["id"] for e in response.json()["results"]] == [mine.pk]
    everything = api(nour_worker).get("/api/aid-entries/").json()
    assert sorted(e["id"] for e in everything["results"]) == sorted([mine.pk, other_household.pk])


def test_reading_the_ledger_is_audited_as_a_view_of_personal_data(
    shared_household, nour, nour_worker
):
    person = shared_household.people.first()
    entry = entry_create(member=nour, household=shared_household, person=person)
    response = api(nour_worker).get("/api/aid-entries/", {"limit": 10})
    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [entry.pk]
    event = AuditEvent.objects.get(action="view", actor=nour_worker)
    assert (event.target_type, event.pii) == ("assistance.aidentry", True)
    assert (event.changes["entries"], event.changes["people"]) == ([entry.pk], [person.pk])
    # An empty page shows nobody and is not recorded.
    api(nour_worker).get("/api/aid-entries/", {"category": "no-such-category"})
    assert AuditEvent.objects.filter(action="view").count() == 1


def member_household(member):
    from tests.assistance.factories import family_create

    return family_create(member=member, size=1)


def test_reach_by_governorate(shared_household, nour, amal):
    entry_create(member=nour, household=shared_household)
    entry_create(member=amal, household=shared_household, category="hot-meals")
    response = api(secretariat_create()).get("/api/reach/", {"by": "governorate"})
    assert response.status_code == 200
    body = response.json()
    assert body["by"] == "governorate"
    assert body["scoped_to_member"] is None
    [row] = body["rows"]
    assert (row["label"], row["people"], row["people_reported"], row["people_overlap"]) == (
        "المنيا",
        3,
        6,
        3,
    )
    assert (body["total"]["households"], body["total"]["households_reported"]) == (1, 2)
    # The key is the governorate's id, not its national-ID code.
    assert row["key"] == shared_household.governorate.pk
    bad = api(secretariat_create()).get("/api/reach/", {"by": "planet"})
    assert (bad.status_code, bad.json()["field"]) == (400, "by")
    worker = user_create(role=Role.CASE_WORKER, member=nour)
    assert api(worker).get("/api/reach/").status_code == 403


def test_the_schema_documents_the_aid_endpoints():
    response = APIClient().get("/api/schema/", {"format": "json"})
    schema = json.loads(response.content)
    record = schema["paths"]["/api/aid-entries/"]["post"]
    assert set(record["responses"]) == {"201", "400", "401", "403", "409", "428"}
    assert "get" in schema["paths"]["/api/aid-entries/"]
    assert "get" in schema["paths"]["/api/reach/"]


def test_reach_for_the_board_hides_small_counts(shared_household, nour):
    entry_create(member=nour, household=shared_household)
    response = api(user_create(role=Role.BOARD_MEMBER)).get("/api/reach/", {"by": "member"})
    assert response.status_code == 200
    body = response.json()
    [row] = body["rows"]
    assert (row["people"], row["households"], row["value"], row["suppressed"]) == (
        None,
        None,
        None,
        True,
    )
    assert body["threshold"] == 10
