"""Registry pages: who sees what, the wizard end to end, the live duplicate check."""

from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from marsad.core.models import AuditEvent
from marsad.matching.models import DuplicateCase
from marsad.members.models import Role
from marsad.registry import wizard
from marsad.registry.models import Consent, Household, Person
from marsad.registry.validation import national_id_other_name, national_id_tries_exhausted
from tests.factories import member_create, secretariat_create, user_create
from tests.registry.test_registration import NID, head, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def nour_worker():
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="nour"))


@pytest.fixture
def amal_worker():
    return user_create(role=Role.CASE_WORKER, member=member_create(slug="amal"))


def test_person_page_is_audited_and_masks_the_id(client, nour_worker):
    person = register(nour_worker, [head()]).created[0]
    client.force_login(nour_worker)
    html = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "محمد أحمد علي الشافعي" in html
    assert NID not in html
    assert "**********4597" in html
    assert AuditEvent.objects.filter(action="view", pii=True, target_id=str(person.pk)).count() == 1


def test_the_edit_page_is_audited_like_the_person_page(client, nour_worker):
    person = register(nour_worker, [head()]).created[0]
    client.force_login(nour_worker)
    url = reverse("registry:person_edit", args=[person.pk])
    views = AuditEvent.objects.filter(action="view", target_id=str(person.pk))
    html = client.get(url).content.decode()
    assert "محمد أحمد علي الشافعي" in html
    event = views.get()
    assert (event.actor, event.target_type, event.pii) == (nour_worker, "registry.person", True)
    # Shown again with an error: viewed again.
    response = client.post(url, {**HEAD_FORM, "national_id": "", "gender": ""})
    assert response.status_code == 200
    assert views.count() == 2
    # Saved: the change is audited, and no page was shown.
    response = client.post(url, {**HEAD_FORM, "national_id": "", "phone": "01012345678"})
    assert response.status_code == 302
    assert views.count() == 2
    assert AuditEvent.objects.filter(action="update", target_id=str(person.pk)).exists()


def test_another_member_cannot_open_the_edit_page(client, nour_worker, amal_worker):
    person = register(nour_worker, [head()]).created[0]
    client.force_login(amal_worker)
    assert client.get(reverse("registry:person_edit", args=[person.pk])).status_code == 404
    assert not AuditEvent.objects.filter(actor=amal_worker).exists()


def test_another_members_user_gets_404_on_the_person_and_the_id(client, nour_worker, amal_worker):
    person = register(nour_worker, [head()]).created[0]
    client.force_login(amal_worker)
    for response in (
        client.get(reverse("registry:person_detail", args=[person.pk])),
        client.post(reverse("registry:person_reveal_national_id", args=[person.pk])),
        client.get(reverse("registry:household_detail", args=[person.household_id])),
    ):
        assert response.status_code == 404
        assert "الشافعي" not in response.content.decode()


def test_revealing_the_id_is_allowed_to_the_registering_member_and_audited(client, nour_worker):
    person = register(nour_worker, [head()]).created[0]
    client.force_login(nour_worker)
    response = client.post(reverse("registry:person_reveal_national_id", args=[person.pk]))
    assert response.status_code == 200
    assert NID in response.content.decode()
    event = AuditEvent.objects.get(changes__national_id="shown in full")
    assert (event.actor, event.target_id, event.pii) == (nour_worker, str(person.pk), True)


def test_a_coordinator_cannot_reach_registry_pages(client, nour_worker):
    person = register(nour_worker, [head()]).created[0]
    coordinator = user_create(role=Role.VOLUNTEER_COORDINATOR, member=nour_worker.member)
    client.force_login(coordinator)
    assert (
        client.post(reverse("registry:person_reveal_national_id", args=[person.pk])).status_code
        == 403
    )


def test_coalition_search_gives_existence_and_coordination_only(client, nour_worker, amal_worker):
    register(nour_worker, [head()])
    client.force_login(amal_worker)
    html = client.post(
        reverse("registry:search"), {"national_id": "٢٨٢٠٨١٥١٣٠٤٥٩٧"}
    ).content.decode()
    assert "already-registered" in html
    assert str(nour_worker.member) in html
    assert "الشافعي" not in html
    assert "لتخدم هذا الشخص، أضفه أثناء تسجيل أسرته" in html  # how to serve them from here
    html = client.post(
        reverse("registry:search"), {"national_id": "29001011234567"}
    ).content.decode()
    assert "not-found" in html
    html = client.post(reverse("registry:search"), {"national_id": "123"}).content.decode()
    assert "يجب أن يتكون الرقم القومي من 14 رقمًا بالضبط" in html


def test_coalition_search_keeps_the_national_id_out_of_the_url(client, nour_worker, amal_worker):
    register(nour_worker, [head()])
    client.force_login(amal_worker)
    html = client.get(reverse("registry:search")).content.decode()
    assert 'method="post"' in html
    assert "csrfmiddlewaretoken" in html
    # An ID in the query string (an old bookmark) is neither looked up nor shown back.
    html = client.get(reverse("registry:search"), {"national_id": NID}).content.decode()
    assert "already-registered" not in html
    assert f'value="{NID}"' not in html
    assert not AuditEvent.objects.filter(actor=amal_worker).exists()
    # The search is sent by POST, with its CSRF token.
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(amal_worker)
    assert csrf_client.post(reverse("registry:search"), {"national_id": NID}).status_code == 403
    page = csrf_client.get(reverse("registry:search"))
    token = page.context["csrf_token"]
    response = csrf_client.post(
        reverse("registry:search"), {"national_id": NID, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 200
    assert "already-registered" in response.content.decode()
    event = AuditEvent.objects.get(actor=amal_worker)
    assert (event.target_type, event.target_label) == ("registry.search", "national ID ending 4597")


def test_coalition_search_opens_the_record_for_the_member_serving_the_person(
    client, nour_worker, amal_worker
):
    person = register(nour_worker, [head()]).created[0]
    client.force_login(nour_worker)
    html = client.post(reverse("registry:search"), {"national_id": NID}).content.decode()
    assert 'data-testid="served-here"' in html
    assert reverse("registry:person_detail", args=[person.pk]) in html
    client.force_login(amal_worker)
    html = client.post(reverse("registry:search"), {"national_id": NID}).content.decode()
    assert 'data-testid="served-here"' not in html


def test_the_wizard_registers_a_household(client, nour_worker):
    client.force_login(nour_worker)
    response = client.post(
        reverse("registry:register_household"), {"governorate": "24", "village": "دير مواس"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("registry:register_people"),
        {
            "full_name": "محمد أحمد علي الشافعي",
            "relation": "head",
            "gender": "M",
            "national_id": NID,
            "birth_date": "1982-08-15",
        },
    )
    assert response.status_code == 302
    # The draft waits in the session store encrypted: the ID is not readable there.
    stored = Session.objects.get(session_key=client.session.session_key).session_data
    assert NID not in stored
    assert NID not in str(Session.objects.get().get_decoded())
    response = client.post(reverse("registry:register_confirm"))
    household = Household.objects.get()
    assert response["Location"] == reverse("registry:household_detail", args=[household.pk])
    assert household.people.get().full_name == "محمد أحمد علي الشافعي"


def _wizard_up_to_confirm(client, people):
    client.post(reverse("registry:register_household"), {"governorate": "24"})
    for person in people:
        client.post(reverse("registry:register_people"), person)


HEAD_FORM = {
    "full_name": "محمد أحمد علي الشافعي",
    "relation": "head",
    "gender": "M",
    "national_id": NID,
    "birth_date": "1982-08-15",
}


def test_the_wizard_records_the_consent_the_family_gave(client, nour_worker):
    client.force_login(nour_worker)
    _wizard_up_to_confirm(client, [HEAD_FORM])
    html = client.get(reverse("registry:register_confirm")).content.decode()
    # Coordination and statistics are offered ticked, contact is not.
    assert 'value="coordination" checked' in html
    assert 'value="contact" data-testid' in html
    client.post(reverse("registry:register_confirm"), {"consent": ["statistics", "contact"]})
    person = Person.objects.get()
    assert sorted(c.scope for c in Consent.objects.filter(person=person)) == [
        "contact",
        "statistics",
    ]
    assert Consent.objects.get(scope="contact").created_by == nour_worker
    html = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "التواصل بشأن البرامج" in html


def test_the_wizard_shows_names_not_codes(client, nour_worker):
    client.force_login(nour_worker)
    _wizard_up_to_confirm(
        client,
        [
            HEAD_FORM,
            {
                **HEAD_FORM,
                "relation": "spouse",
                "gender": "F",
                "full_name": "فاطمة حسن",
                "national_id": "",
            },
        ],
    )
    html = client.get(reverse("registry:register_people")).content.decode()
    assert "<td>رب الأسرة</td>" in html
    html = client.get(reverse("registry:register_confirm")).content.decode()
    assert "فاطمة حسن (الزوج أو الزوجة)" in html
    assert '<p data-testid="place">المنيا</p>' in html  # governorate 24 by its name


def test_the_consent_ticked_survives_an_error(client, nour_worker):
    client.force_login(nour_worker)
    wife = {**HEAD_FORM, "relation": "spouse", "gender": "F", "full_name": "فاطمة حسن"}
    del wife["national_id"], wife["birth_date"]
    _wizard_up_to_confirm(client, [wife])  # no head: registration refuses
    response = client.post(reverse("registry:register_confirm"), {"consent": ["contact"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="contact" checked' in html
    assert 'value="coordination" data-testid' in html  # unticked as the user left it
    assert not Consent.objects.exists()
    # The one problem is said once.
    assert html.count("يجب أن يكون فرد واحد فقط رب الأسرة.") == 1


def test_a_warning_names_the_member_it_is_about(client, nour_worker):
    client.force_login(nour_worker)
    mistyped = {**HEAD_FORM, "national_id": "28208151304598"}  # its check digit does not fit
    _wizard_up_to_confirm(client, [mistyped])
    html = client.post(reverse("registry:register_confirm")).content.decode()
    assert 'data-testid="warnings"' in html
    assert "<li>محمد أحمد علي الشافعي: " in html


def test_linking_everyone_in_the_wizard_creates_no_household(client, nour_worker, amal_worker):
    first = register(nour_worker, [head()]).created[0]
    client.force_login(amal_worker)
    _wizard_up_to_confirm(client, [{**HEAD_FORM, "link": "1"}])
    response = client.post(reverse("registry:register_confirm"), {"consent": ["coordination"]})
    assert response["Location"] == reverse("registry:person_detail", args=[first.pk])
    assert Household.objects.count() == 1
    assert first.service_links.filter(member=amal_worker.member).exists()
    assert list(first.consents.values_list("scope", flat=True)) == ["coordination"]
    # The serving member now sees the person in full.
    assert client.get(response["Location"]).status_code == 200


def test_the_wizard_refuses_to_link_a_registered_id_under_another_name_at_once(
    client, nour_worker, amal_worker
):
    register(nour_worker, [head()])
    client.force_login(amal_worker)
    client.post(reverse("registry:register_household"), {"governorate": "24"})
    response = client.post(
        reverse("registry:register_people"),
        {**HEAD_FORM, "full_name": "سيد محمود حسن", "link": "1"},
    )
    assert response.status_code == 200  # the step again, with the problem on the ID
    assert "national_id" in response.context["form"].errors
    assert "الشافعي" not in response.content.decode()  # whose number it is stays unsaid
    assert wizard.draft(response.wsgi_request)["people"] == []


def test_the_wizard_stops_comparing_names_after_too_many_tries(
    client, nour_worker, amal_worker, settings
):
    settings.MARSAD_NAME_TRIES_PER_DAY = 1
    register(nour_worker, [head()])
    client.force_login(amal_worker)
    client.post(reverse("registry:register_household"), {"governorate": "24"})
    url = reverse("registry:register_people")
    first = client.post(url, {**HEAD_FORM, "full_name": "سيد محمود حسن", "link": "1"})
    after = client.post(url, {**HEAD_FORM, "link": "1"})  # now the holder's own name
    assert first.context["form"].errors["national_id"] == [national_id_other_name(0).message]
    assert after.context["form"].errors["national_id"] == [national_id_tries_exhausted(0).message]
    assert wizard.draft(after.wsgi_request)["people"] == []
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.NAME_REFUSED)
    assert (event.actor, event.changes["source"]) == (amal_worker, "wizard")


def test_the_wizard_reads_amounts_as_members_write_them(client, nour_worker):
    # Text boxes, not the browser's number boxes, which refuse Arabic-Indic digits.
    client.force_login(nour_worker)
    page = client.get(reverse("registry:register_household")).content.decode()
    assert 'type="number"' not in page
    client.post(reverse("registry:register_household"), {"governorate": "24"})
    client.post(reverse("registry:register_people"), {**HEAD_FORM, "monthly_income": "١٬٥٠٠"})
    [person] = wizard.draft(client.get(reverse("registry:register_people")).wsgi_request)["people"]
    assert Decimal(person["monthly_income"]) == Decimal(1500)


def test_the_wizard_shows_field_errors_in_arabic(client, nour_worker):
    client.force_login(nour_worker)
    client.post(reverse("registry:register_household"), {"governorate": "24"})
    response = client.post(
        reverse("registry:register_people"),
        {"full_name": "محمد", "relation": "head", "gender": "M", "national_id": "48208151304597"},
    )
    assert response.status_code == 200
    assert "يجب أن يبدأ الرقم القومي بـ 2" in response.content.decode()
    assert not Person.objects.exists()


def test_live_check_stops_an_existing_id_and_warns_on_a_variant(client, nour_worker, amal_worker):
    register(nour_worker, [head()])
    client.force_login(amal_worker)
    client.post(reverse("registry:register_household"), {"governorate": "24"})
    html = client.post(
        reverse("registry:register_check"), {"full_name": "محمد", "national_id": NID}
    ).content.decode()
    assert "already-registered" in html
    assert "الشافعي" not in html
    html = client.post(
        reverse("registry:register_check"),
        {"full_name": "محمد احمد على الشافعى", "birth_date": "1982-08-15", "gender": "M"},
    ).content.decode()
    assert "possible-duplicates" in html
    assert "الشافعي" not in html  # another member's person: no name


def test_live_check_is_audited_like_the_apis_check(client, nour_worker, amal_worker):
    person = register(nour_worker, [head()]).created[0]
    client.force_login(amal_worker)
    client.post(reverse("registry:register_household"), {"governorate": "24"})
    client.post(reverse("registry:register_check"), {"full_name": "محمد", "national_id": NID})
    event = AuditEvent.objects.get(actor=amal_worker, action="view")
    assert (event.target_type, event.target_id, event.target_label, event.pii) == (
        "registry.person",
        str(person.pk),
        "",
        False,
    )
    assert event.changes == {
        "lookup": "check",
        "national_id": "**********4597",
        "exact": person.pk,
        "candidates": [],
    }
    assert NID not in str(event.changes)
    # A name without an ID: one event per request, with the candidates shown.
    client.post(
        reverse("registry:register_check"),
        {"full_name": "محمد احمد على الشافعى", "birth_date": "1982-08-15", "gender": "M"},
    )
    event = AuditEvent.objects.filter(actor=amal_worker, action="view").latest("pk")
    assert event.changes == {"lookup": "check", "exact": None, "candidates": [person.pk]}
    assert event.target_id == ""
    assert AuditEvent.objects.filter(actor=amal_worker, action="view").count() == 2
    # Nothing typed, nothing looked up: no event.
    client.post(reverse("registry:register_check"), {"full_name": ""})
    assert AuditEvent.objects.filter(actor=amal_worker, action="view").count() == 2


def test_review_queue_hides_other_members_people_and_merges_and_undoes(
    client, nour_worker, amal_worker
):
    first = register(nour_worker, [head()]).created[0]
    second = register(
        amal_worker, [head(full_name="محمد احمد على الشافعى", national_id="")]
    ).created[0]
    case = DuplicateCase.objects.get()
    client.force_login(amal_worker)
    html = client.get(reverse("matching:case_detail", args=[case.pk])).content.decode()
    assert "محمد احمد على الشافعى" in html  # its own record
    assert "محمد أحمد علي الشافعي" not in html  # the other member's record
    outsider = user_create(role=Role.CASE_WORKER, member=member_create(slug="khair"))
    client.force_login(outsider)
    assert client.get(reverse("matching:case_detail", args=[case.pk])).status_code == 404
    client.force_login(secretariat_create())
    client.post(reverse("matching:case_decide", args=[case.pk, "merge"]))
    second.refresh_from_db()
    assert (second.status, second.merged_into) == (Person.Status.MERGED, first)
    assert set(first.service_links.values_list("member__slug", flat=True)) == {"nour", "amal"}
    client.post(reverse("matching:case_decide", args=[case.pk, "undo"]))
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.merged_into is None
    assert second.status != Person.Status.MERGED
    assert set(first.service_links.values_list("member__slug", flat=True)) == {"nour"}
    assert set(second.service_links.values_list("member__slug", flat=True)) == {"amal"}
    case.refresh_from_db()
    assert case.status == DuplicateCase.Status.UNDONE


def test_a_member_cannot_merge_a_record_of_another_member_it_is_not_shown(
    client, nour_worker, amal_worker
):
    # Merging would give the member the other member's record in full: that pair is for
    # the secretariat. The member may still say they are different people.
    first = register(nour_worker, [head()]).created[0]
    register(amal_worker, [head(full_name="محمد احمد على الشافعى", national_id="")])
    case = DuplicateCase.objects.get()
    client.force_login(amal_worker)
    html = client.get(reverse("matching:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="merge"' not in html
    assert 'data-testid="merge-by-secretariat"' in html
    assert 'data-testid="evidence-hidden"' in html  # agreement field by field would tell
    assert 'data-testid="distinct"' in html
    response = client.post(reverse("matching:case_decide", args=[case.pk, "merge"]))
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == DuplicateCase.Status.OPEN
    assert set(first.service_links.values_list("member__slug", flat=True)) == {"nour"}
    client.post(reverse("matching:case_decide", args=[case.pk, "distinct"]))
    case.refresh_from_db()
    assert case.status == DuplicateCase.Status.DISTINCT


def test_a_member_merges_its_own_two_records_of_one_person(client, nour_worker):
    register(nour_worker, [head()])
    register(nour_worker, [head(full_name="محمد احمد على الشافعى", national_id="")])
    case = DuplicateCase.objects.get()
    client.force_login(nour_worker)
    html = client.get(reverse("matching:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="merge"' in html
    client.post(reverse("matching:case_decide", args=[case.pk, "merge"]))
    case.refresh_from_db()
    assert case.status == DuplicateCase.Status.MERGED


def test_needs_assessment_scores_with_its_breakdown(client, nour_worker):
    household = register(nour_worker, [head()]).household
    client.force_login(nour_worker)
    response = client.post(
        reverse("registry:household_assess", args=[household.pk]),
        {
            "monthly_income_egp": "0",
            "household_size": "5",
            "housing": "informal",
            "female_headed": "yes",
        },
    )
    assert response.status_code == 302
    assessment = household.assessments.get()
    assert assessment.facts == {
        "monthly_income_egp": "0",
        "household_size": 5,
        "housing": "informal",
        "female_headed": True,
    }
    assert assessment.score is not None
    components = {c["indicator"]: c for c in assessment.breakdown["components"]}
    assert set(components) == {"income", "housing", "female_headed"}
    assert sum(c["contribution"] for c in components.values()) == pytest.approx(assessment.score)
    html = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "vulnerability" in html


def test_another_member_cannot_assess(client, nour_worker, amal_worker):
    household = register(nour_worker, [head()]).household
    client.force_login(amal_worker)
    assert (
        client.post(
            reverse("registry:household_assess", args=[household.pk]), {"household_size": "3"}
        ).status_code
        == 404
    )
