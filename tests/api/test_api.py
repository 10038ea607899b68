"""The REST API: authentication, registration, coordination look-ups, errors and the schema."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from marsad.api import views as api_views
from marsad.core.models import AuditEvent
from marsad.members.models import Role
from marsad.registry.models import Household, Person, ServiceLink
from tests.factories import (
    household_create,
    member_create,
    person_create,
    secretariat_create,
    user_create,
)
from tests.planner import record_analyses

pytestmark = pytest.mark.django_db

NID = "28208151304597"  # male, born 1982-08-15, check digit right
HEAD_NAME = "محمد أحمد علي الشافعي"
PHONE_DIGITS = "1012345678"  # in any form: 01012345678, +201012345678


def head(**fields):
    return {
        "full_name": HEAD_NAME,
        "gender": "M",
        "national_id": NID,
        "birth_date": "1982-08-15",
        "relation": "head",
        "phone": "01012345678",
        **fields,
    }


def wife(**fields):
    return {
        "full_name": "فاطمة حسن محمود السيد",
        "gender": "F",
        "birth_date": "1986-02-01",
        "relation": "spouse",
        **fields,
    }


def household(*people, **fields):
    return {"governorate": "24", "village": "دير مواس", "people": list(people), **fields}


def api_client(user=None):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def search(client, national_id):
    """The coalition-wide search, with the national ID in the body (never in the URL)."""
    return client.post("/api/people/search/", {"national_id": national_id}, format="json")


def register(user, *people, **fields):
    return api_client(user).post("/api/households/", household(*people, **fields), format="json")


def nothing_stored():
    return not (
        Household.objects.exists() or Person.objects.exists() or ServiceLink.objects.exists()
    )


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case_worker():
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="nour"))


@pytest.fixture
def other_worker():
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="amal"))


# Authentication


def test_a_request_without_a_token_is_401():
    response = api_client().post("/api/households/", household(head()), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "api.not_authenticated"
    assert nothing_stored()


def test_an_unknown_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = search(client, NID)
    assert response.status_code == 401
    assert response.json()["code"] == "api.authentication_failed"


def test_a_token_authenticates(case_worker):
    response = search(api_client(case_worker), NID)
    assert response.status_code == 200
    assert response.json() == {"exists": False, "summary": None}


def test_a_signed_in_session_authenticates_too(client, case_worker):
    client.force_login(case_worker)
    response = client.post(
        "/api/people/search/", {"national_id": NID}, content_type="application/json"
    )
    assert response.status_code == 200


def test_requests_beyond_the_rate_are_throttled(monkeypatch, case_worker):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    client = api_client(case_worker)
    statuses = [search(client, NID).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = search(client, NID)
    assert response.json()["code"] == "api.throttled"
    assert int(response["Retry-After"]) > 0


# Registering a household


def test_registering_a_household_returns_201_and_creates_the_people(case_worker):
    # when
    response = register(case_worker, head(), wife())
    # then
    assert response.status_code == 201
    body = response.json()
    husband, spouse = Person.objects.order_by("pk")
    assert body == {
        "household_id": husband.household_id,
        "people": [
            {"id": husband.pk, "status": "active", "full_name": HEAD_NAME},
            {"id": spouse.pk, "status": "active", "full_name": "فاطمة حسن محمود السيد"},
        ],
        "linked": [],
        "pending_review": [],
        "to_review": [],
    }
    assert husband.household.member == case_worker.member
    assert husband.household.village == "دير مواس"
    assert husband.household.head == husband
    assert (husband.member, husband.created_by) == (case_worker.member, case_worker)
    assert husband.national_id_masked == "**********4597"
    event = AuditEvent.objects.get(action="create", target_id=str(husband.household_id))
    assert event.actor == case_worker
    assert event.changes["people"] == [husband.pk, spouse.pk]


def test_arabic_indic_digits_are_accepted(case_worker):
    response = register(
        case_worker,
        head(national_id="٢٨٢٠٨١٥١٣٠٤٥٩٧", birth_date="١٩٨٢-٠٨-١٥", monthly_income="١٥٠٠"),
        governorate="٢٤",
        latitude=28.0871234567,
    )
    assert response.status_code == 201
    person = Person.objects.get()
    assert (person.household.governorate.code, str(person.monthly_income)) == ("24", "1500.00")
    assert str(person.household.latitude) == "28.087123"
    assert person.national_id_masked == "**********4597"


def test_spaces_around_a_date_are_ignored_as_the_web_form_ignores_them(case_worker):
    response = register(
        case_worker, head(birth_date=" ١٩٨٢-٠٨-١٥ "), wife(birth_date="1986-02-01\t")
    )
    assert response.status_code == 201, response.json()
    assert [str(p.birth_date) for p in Person.objects.order_by("pk")] == [
        "1982-08-15",
        "1986-02-01",
    ]


def test_a_malformed_national_id_is_400_with_the_registry_code_and_field(case_worker):
    response = register(case_worker, head(national_id="2820815130459"))
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (
        "registry.national_id.wrong_length",
        "people.0.national_id",
    )
    assert body["message"]
    assert [(p["field"], p["code"]) for p in body["problems"]] == [
        ("people.0.national_id", "registry.national_id.wrong_length")
    ]
    assert nothing_stored()


def test_every_problem_is_reported(case_worker):
    response = register(case_worker, head(full_name=""), wife(phone="123"))
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("registry.invalid_input", "people.0.full_name")
    assert [(p["field"], p["code"]) for p in body["problems"]] == [
        ("people.0.full_name", "registry.name_required"),
        ("people.1.phone", "registry.invalid_phone"),
    ]
    assert nothing_stored()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (household(head(birth_date="15/08/1982")), "people.0.birth_date"),
        (household(head(relation="cousin")), "people.0.relation"),
        (household(head(monthly_income="-5")), "people.0.monthly_income"),
        (household(head(), latitude=120), "latitude"),
        ({"people": [head()]}, "governorate"),
        (household(head(), people="not a list"), "people"),
    ],
)
def test_a_malformed_request_is_400_naming_the_field(case_worker, payload, field):
    response = api_client(case_worker).post("/api/households/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("core.invalid_input", field)
    assert body["problems"][0]["message"]
    assert nothing_stored()


def test_a_problem_of_the_household_names_the_request_field(case_worker):
    response = register(case_worker, head(), governorate="77")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("registry.unknown_governorate", "governorate")
    assert [(p["field"], p["code"]) for p in body["problems"]] == [
        ("governorate", "registry.unknown_governorate")
    ]
    response = register(case_worker, head(full_name=""), governorate="24", district="9999")
    body = response.json()
    assert (body["code"], body["field"]) == ("registry.invalid_input", "district")
    assert [(p["field"], p["code"]) for p in body["problems"]] == [
        ("district", "registry.unknown_district"),
        ("people.0.full_name", "registry.name_required"),
    ]
    assert nothing_stored()


def test_a_body_that_is_not_json_is_400(case_worker):
    response = api_client(case_worker).post(
        "/api/households/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "api.parse_error"


def test_an_address_under_api_that_does_not_exist_is_a_json_404(case_worker):
    client = api_client(case_worker)
    for path in ("/api/people/not-a-number/", "/api/no-such-endpoint/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert (body["code"], body["field"]) == ("core.not_found", None)
        assert body["message"]
    # The site's own pages keep their page.
    assert not api_client().get("/no-such-page/")["Content-Type"].startswith("application/json")


def test_a_warning_needs_confirmation_428_then_201(case_worker):
    # given: the check digit does not fit
    person = head(national_id="28208151304598")
    # when
    first = register(case_worker, person)
    # then
    assert first.status_code == 428
    body = first.json()
    assert body["code"] == "registry.confirmation_required"
    assert [(w["field"], w["code"]) for w in body["warnings"]] == [
        ("people.0.national_id", "registry.warning.check_digit")
    ]
    assert nothing_stored()
    # when confirmed
    second = register(case_worker, person, confirm_warnings=True)
    # then
    assert second.status_code == 201
    event = AuditEvent.objects.get(action="create", target_type="registry.household")
    assert event.changes["confirmed_warnings"] == ["registry.warning.check_digit"]


def test_messages_follow_the_language_cookie(case_worker):
    client = api_client(case_worker)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/api/households/",
        household(head(national_id="28208151304598")),
        format="json",
    )
    assert response.json()["message"] == "Please confirm the highlighted details before saving."


def test_the_same_id_from_another_member_is_409_with_a_summary_and_no_pii(
    case_worker, other_worker
):
    # given
    register(case_worker, head())
    existing = Person.objects.get()
    # when
    response = register(other_worker, head(full_name="محمد احمد على"))
    # then
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["field"], body["index"], body["person_id"]) == (
        "registry.already_registered",
        "people.0.national_id",
        0,
        existing.pk,
    )
    assert body["summary"]["registered_by"] == str(case_worker.member)
    assert [s["member"] for s in body["summary"]["served_by"]] == [str(case_worker.member)]
    text = response.content.decode()
    assert NID not in text
    assert HEAD_NAME not in text
    assert PHONE_DIGITS not in text
    assert Person.objects.count() == 1
    assert Household.objects.count() == 1


def test_linking_the_existing_person_creates_no_copy(case_worker, other_worker):
    register(case_worker, head())
    existing = Person.objects.get()
    response = register(other_worker, head(), link_existing=[0])
    assert response.status_code == 201
    body = response.json()
    assert (body["people"], body["linked"]) == ([], [existing.pk])
    assert HEAD_NAME not in response.content.decode()
    assert Person.objects.count() == 1
    assert set(ServiceLink.objects.values_list("member__slug", flat=True)) == {"nour", "amal"}


def test_a_probable_duplicate_is_given_by_id_and_member_only(case_worker, other_worker):
    # given
    register(case_worker, head())
    first = Person.objects.get()
    # when: a spelling variant without the ID
    response = register(other_worker, head(full_name="محمد احمد على الشافعى", national_id=""))
    # then
    assert response.status_code == 201
    body = response.json()
    new_id = body["people"][0]["id"]
    flagged = body["pending_review"] + body["to_review"]
    assert [(f["person_id"], f["candidate_id"], f["registered_by"]) for f in flagged] == [
        (new_id, first.pk, str(case_worker.member))
    ]
    assert 0.5 <= flagged[0]["probability"] <= 1
    text = response.content.decode()
    assert HEAD_NAME not in text
    assert PHONE_DIGITS not in text


@pytest.mark.parametrize(
    "role",
    [Role.VOLUNTEER, Role.BOARD_MEMBER, Role.VOLUNTEER_COORDINATOR, Role.SECRETARIAT_ANALYST],
)
def test_roles_that_do_not_register_get_403(role):
    member = member_create() if role == Role.VOLUNTEER_COORDINATOR else None
    user = user_create(role=role, member=member)
    response = register(user, head())
    assert response.status_code == 403
    assert response.json()["code"] == "core.permission_denied"
    assert nothing_stored()


# Reading a person


def test_a_person_of_ones_own_member_is_shown_with_a_masked_id(case_worker):
    register(case_worker, head())
    person = Person.objects.get()
    response = api_client(case_worker).get(f"/api/people/{person.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "full_name", "national_id_masked", "registered_by")} == {
        "id": person.pk,
        "full_name": HEAD_NAME,
        "national_id_masked": "**********4597",
        "registered_by": str(case_worker.member),
    }
    assert (body["governorate"], body["birth_date"], body["phone"]) == (
        "24",
        "1982-08-15",
        "+201012345678",
    )
    assert NID not in response.content.decode()
    event = AuditEvent.objects.get(action="view", target_id=str(person.pk))
    assert (event.actor, event.pii, event.target_type) == (case_worker, True, "registry.person")


def test_another_members_user_gets_404_and_no_name(case_worker, other_worker):
    person = person_create(household=household_create(member=case_worker.member))
    response = api_client(other_worker).get(f"/api/people/{person.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "core.not_found"
    assert person.full_name not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_member_serving_the_person_and_the_secretariat_see_them(case_worker, other_worker):
    register(case_worker, head())
    person = Person.objects.get()
    register(other_worker, head(), link_existing=[0])
    for user in (other_worker, secretariat_create()):
        response = api_client(user).get(f"/api/people/{person.pk}/")
        assert response.status_code == 200
        assert response.json()["full_name"] == HEAD_NAME


def test_a_volunteer_cannot_read_people():
    member = member_create()
    person = person_create(household=household_create(member=member))
    volunteer = user_create(role=Role.VOLUNTEER, member=member)
    response = api_client(volunteer).get(f"/api/people/{person.pk}/")
    assert response.status_code == 403
    assert person.full_name not in response.content.decode()


# Coalition-wide search by national ID


def test_search_finds_an_id_registered_by_another_member_without_pii(case_worker, other_worker):
    register(case_worker, head())
    person = Person.objects.get()
    response = search(api_client(other_worker), NID)
    assert response.status_code == 200
    assert response.json() == {
        "exists": True,
        "summary": {
            "person_id": person.pk,
            "registered_by": str(case_worker.member),
            "served_by": [
                {
                    "member": str(case_worker.member),
                    "aid_types": [],
                    "since": timezone.localdate(person.created_at).isoformat(),
                }
            ],
            "governorate": person.household.governorate.name,
        },
    }
    event = AuditEvent.objects.get(action="view", actor=other_worker)
    assert (event.target_type, event.target_id, event.target_label, event.pii) == (
        "registry.person",
        str(person.pk),
        "",
        False,
    )
    assert event.changes == {
        "lookup": "national_id",
        "national_id": "**********4597",
        "found": True,
    }


@pytest.mark.parametrize(
    ("national_id", "code"),
    [
        ("2820815130459", "registry.national_id.wrong_length"),
        ("2820815130459X", "registry.national_id.invalid_characters"),
        ("48208151304597", "registry.national_id.invalid_century"),
    ],
)
def test_search_with_a_malformed_id_is_400_with_the_registry_code(case_worker, national_id, code):
    response = search(api_client(case_worker), national_id)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, "national_id")
    assert not AuditEvent.objects.exists()


def test_search_without_an_id_is_400(case_worker):
    response = api_client(case_worker).post("/api/people/search/", {}, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "core.invalid_input",
        "national_id",
    )


def test_a_national_id_in_the_url_is_refused_and_not_looked_up(case_worker):
    register(case_worker, head())
    client = api_client(case_worker)
    response = client.get("/api/people/search/", {"national_id": NID})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("api.national_id_in_url", "national_id")
    assert "POST" in body["message"]
    assert NID not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view").exists()
    # A GET without an ID is simply not a method of this endpoint.
    response = client.get("/api/people/search/")
    assert response.status_code == 405
    assert response.json()["code"] == "api.method_not_allowed"
    assert "GET" not in response["Allow"]
    # Without credentials, the answer is still 401 first.
    response = api_client().get("/api/people/search/", {"national_id": NID})
    assert response.status_code == 401


# Checking a person before registering


def test_check_gives_the_exact_match_as_a_summary_and_names_only_of_visible_people(
    case_worker, other_worker
):
    # given: the same man registered by the other member, and a variant by one's own
    register(other_worker, head())
    theirs = Person.objects.get()
    register(
        case_worker,
        head(full_name="محمد احمد على الشافعى", national_id="", phone=""),
    )
    ours = Person.objects.exclude(pk=theirs.pk).get()
    # when
    response = api_client(case_worker).post(
        "/api/people/check/", {**head(), "governorate": "24"}, format="json"
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["exact"]["person_id"] == theirs.pk
    assert body["exact"]["registered_by"] == str(other_worker.member)
    names = {c["person_id"]: c["full_name"] for c in body["candidates"]}
    assert names == {theirs.pk: None, ours.pk: "محمد احمد على الشافعى"}
    candidate = next(c for c in body["candidates"] if c["person_id"] == theirs.pk)
    assert candidate["registered_by"] == str(other_worker.member)
    assert candidate["decision"] in {"match", "review"}
    assert all(len(item) == 3 for item in candidate["evidence"])
    assert body["warnings"] == []
    text = response.content.decode()
    assert PHONE_DIGITS not in text
    assert Person.objects.count() == 2


def test_check_stores_nothing_and_reports_warnings(case_worker):
    response = api_client(case_worker).post(
        "/api/people/check/",
        {**head(national_id="28208151304598"), "governorate": "24"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["exact"], body["candidates"]) == (None, [])
    assert [(w["field"], w["code"]) for w in body["warnings"]] == [
        ("national_id", "registry.warning.check_digit")
    ]
    assert nothing_stored()


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (
            {**head(national_id="2820815130459"), "governorate": "24"},
            "registry.national_id.wrong_length",
            "national_id",
        ),
        ({**head(), "governorate": "77"}, "registry.unknown_governorate", "governorate"),
        ({**head(gender=""), "governorate": "24"}, "registry.gender_required", "gender"),
    ],
)
def test_check_validates_as_registration_does(case_worker, payload, code, field):
    response = api_client(case_worker).post("/api/people/check/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert [(p["field"], p["code"]) for p in body["problems"]] == [(field, code)]


def test_a_board_member_cannot_check_people():
    user = user_create(role=Role.BOARD_MEMBER)
    response = api_client(user).post(
        "/api/people/check/", {**head(), "governorate": "24"}, format="json"
    )
    assert response.status_code == 403


# The schema


def test_the_schema_is_valid_openapi_listing_the_endpoints():
    from drf_spectacular.validation import validate_schema

    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Marsad API"
    assert set(schema["paths"]) == {
        "/api/households/",
        "/api/households/batch/",
        "/api/people/check/",
        "/api/people/search/",
        "/api/people/{id}/",
        "/api/aid-entries/",
        "/api/aid-entries/{id}/reverse/",
        "/api/reach/",
        "/api/gap/",
        "/api/gap/geojson/",
        "/api/schema/",
    }
    register_op = schema["paths"]["/api/households/"]["post"]
    assert set(register_op["responses"]) == {"201", "400", "401", "403", "409", "428"}
    assert "cdn" not in response.content.decode().lower()


def schema_problems(response, path, method):
    """Where the JSON of `response` differs from what the OpenAPI schema says of it."""
    schema = json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)
    components = schema["components"]["schemas"]
    documented = schema["paths"][path][method]["responses"][str(response.status_code)]
    types = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool}

    def differences(value, node, where):
        if "$ref" in node:
            return differences(value, components[node["$ref"].rsplit("/", 1)[-1]], where)
        if value is None:
            return [] if node.get("nullable") else [f"{where} is null"]
        if "allOf" in node:
            return [d for part in node["allOf"] for d in differences(value, part, where)]
        if "oneOf" in node:
            found = [differences(value, part, where) for part in node["oneOf"]]
            return [] if [] in found else [f"{where} fits none of {node['oneOf']}"]
        if "enum" in node and value not in node["enum"]:
            return [f"{where}: {value!r} is not one of {node['enum']}"]
        kind = types.get(node.get("type", "object" if "properties" in node else ""))
        if kind is not None and not isinstance(value, kind):
            return [f"{where} is not {node['type']}"]
        if isinstance(value, dict):
            return [
                f"{where}.{name} is missing"
                for name in node.get("required", [])
                if name not in value
            ] + [
                d
                for name, item in value.items()
                for d in (
                    differences(item, node["properties"][name], f"{where}.{name}")
                    if name in node.get("properties", {})
                    else [f"{where}.{name} is not in the schema"]
                )
            ]
        if isinstance(value, list):
            return [
                d
                for i, item in enumerate(value)
                for d in differences(item, node["items"], f"{where}[{i}]")
            ]
        return []

    return differences(response.json(), documented["content"]["application/json"]["schema"], "$")


def test_a_409_answer_is_what_the_schema_says(case_worker, other_worker):
    register(case_worker, head())
    response = register(other_worker, head())
    assert response.status_code == 409
    assert schema_problems(response, "/api/households/", "post") == []


def test_a_person_with_empty_details_is_what_the_schema_says(case_worker):
    register(case_worker, head())
    person = Person.objects.get()
    response = api_client(case_worker).get(f"/api/people/{person.pk}/")
    assert (response.json()["marital_status"], response.json()["education"]) == ("", "")
    assert schema_problems(response, "/api/people/{id}/", "get") == []


# The api_token command


def run_api_token(*args):
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_api_token_creates_then_shows_then_resets_a_token(case_worker):
    # when
    key, note = run_api_token(case_worker.username)
    # then
    assert key == Token.objects.get(user=case_worker).key
    assert "created" in note
    assert run_api_token(case_worker.username)[0] == key
    new_key, note = run_api_token(case_worker.username, "--reset")
    assert new_key != key
    assert "replaced" in note
    assert Token.objects.get(user=case_worker).key == new_key
    assert [e.changes for e in AuditEvent.objects.filter(target_id=str(case_worker.pk))] == [
        {"api_token": "replaced"},
        {"api_token": "created"},
    ]
    assert not AuditEvent.objects.filter(changes__icontains=new_key).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert search(client, NID).status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert search(client, NID).status_code == 401


def test_api_token_warns_about_a_role_without_api_access():
    user = user_create(role=Role.BOARD_MEMBER)
    key, note = run_api_token(user.username)
    assert key == Token.objects.get(user=user).key
    assert "may not use the registry endpoints" in note


def test_api_token_errors_clearly():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token", "nobody")
    user_create(role=Role.CASE_WORKER, member=member_create(), username="gone", is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        call_command("api_token", "gone")
    assert not Token.objects.exists()


# Many households in one call


def batch(*households):
    return {"households": list(households)}


def test_a_batch_registers_each_household_once_with_an_outcome_each(case_worker, other_worker):
    register(other_worker, head())  # the head's national ID is registered by another member
    payload = batch(
        {"key": "H-1", **household(head())},
        {
            "key": "H-2",
            **household(head(national_id="", full_name="سعاد محمود حسن علي", gender="F")),
        },
        {"key": "H-3", **household(head(national_id="123"))},
    )
    response = api_client(case_worker).post("/api/households/batch/", payload, format="json")
    assert response.status_code == 200
    outcomes = response.json()["households"]
    # H-1's only person is registered already: linked, and no household without people.
    assert [(o["key"], o["index"], o["status"]) for o in outcomes] == [
        ("H-1", 0, "linked"),
        ("H-2", 1, "created"),
        ("H-3", 2, "rejected"),
    ]
    existing = Person.objects.get(member=other_worker.member)
    assert outcomes[0]["linked"] == [existing.pk]
    assert outcomes[0]["created"] == []
    assert outcomes[0]["household_id"] == existing.household_id
    assert len(outcomes[1]["created"]) == 1
    assert outcomes[2]["problems"][0]["code"] == "registry.national_id.wrong_length"
    assert Person.objects.count() == 2
    # Sending the same call again adds nothing.
    again = api_client(case_worker).post("/api/households/batch/", payload, format="json")
    assert [o["status"] for o in again.json()["households"]] == [
        "existing",  # the key now names the household its people live in
        "existing",
        "rejected",
    ]
    assert again.json()["households"][0]["household_id"] == existing.household_id
    assert Person.objects.count() == 2
    assert Household.objects.filter(member=case_worker.member).count() == 1


def test_a_rejected_household_of_a_batch_names_the_request_field(case_worker):
    payload = batch({"key": "H-1", **household(head(), governorate="77")})
    response = api_client(case_worker).post("/api/households/batch/", payload, format="json")
    assert response.status_code == 200
    [outcome] = response.json()["households"]
    assert outcome["status"] == "rejected"
    assert [(p["field"], p["code"]) for p in outcome["problems"]] == [
        ("governorate", "registry.unknown_governorate")
    ]
    assert nothing_stored()


def test_a_key_repeated_within_a_batch_rejects_the_later_household(case_worker):
    payload = batch(
        {"key": "H-1", **household(head())},
        {"key": "H-1", **household(head(national_id="", full_name="سعاد محمود حسن علي"))},
    )
    response = api_client(case_worker).post("/api/households/batch/", payload, format="json")
    first, second = response.json()["households"]
    assert first["status"] == "created"
    assert second["status"] == "rejected"
    assert [(p["field"], p["code"]) for p in second["problems"]] == [
        ("key", "registry.duplicate_key_in_file")
    ]
    assert Person.objects.count() == 1


def test_batches_keep_the_planner_statistics_of_the_registry(case_worker, monkeypatch):
    analysed = record_analyses(monkeypatch, api_views)
    payload = batch(
        *(
            {"key": f"H-{n}", **household(head(national_id="", full_name=f"رجل{n} بن{n} جد{n}"))}
            for n in range(150)  # enough rows to add pages to the person table
        )
    )
    response = api_client(case_worker).post("/api/households/batch/", payload, format="json")
    assert response.status_code == 200
    if connection.vendor != "postgresql":
        assert analysed == [[]]
        return
    assert Person._meta.db_table in analysed[0]


def test_a_batch_needs_a_key_per_household_and_a_registering_role(case_worker):
    response = api_client(case_worker).post(
        "/api/households/batch/", batch(household(head())), format="json"
    )
    assert response.status_code == 400
    assert nothing_stored()
    analyst = secretariat_create()
    forbidden = api_client(analyst).post(
        "/api/households/batch/", batch({"key": "H-1", **household(head())}), format="json"
    )
    assert forbidden.status_code == 403
    assert nothing_stored()
