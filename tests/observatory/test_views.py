"""The gap map pages: who may open them, the exports equal the table, small counts hidden."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from marsad.core.models import AuditEvent
from marsad.geo.models import District, Governorate
from marsad.members.models import Role
from marsad.observatory import selectors
from marsad.observatory.models import GapSnapshot
from tests.assistance.factories import entry_create, family_create
from tests.factories import secretariat_create, user_create

pytestmark = pytest.mark.django_db

MINYA = "24"


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def served_minya(nour):
    """Three households in Minya reached by one member: a count below the threshold (10)."""
    for _index in range(3):
        entry_create(member=nour, household=family_create(member=nour, size=2))


@pytest.fixture
def minya_markaz():
    return District.objects.create(
        governorate=Governorate.objects.get(code=MINYA),
        code="EG2401",
        name_ar="مركز المنيا",
        name_en="Minya markaz",
        kind=District.Kind.MARKAZ,
    )


# Access ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.VOLUNTEER}))
def test_every_role_but_the_volunteer_sees_the_map(client, nour, role):
    # given
    member = (
        nour if role in (Role.MEMBER_ADMIN, Role.CASE_WORKER, Role.VOLUNTEER_COORDINATOR) else None
    )
    client.force_login(user_create(role=role, member=member))
    # when
    page = client.get(reverse("observatory:map"))
    geojson = client.get(reverse("observatory:geojson"))
    area = client.get(reverse("observatory:area", args=["governorate", MINYA]))
    export = client.get(reverse("observatory:export_csv"))
    # then
    assert page.status_code == 200
    assert geojson.status_code == 200
    assert area.status_code == 200
    assert export.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("observatory:map"),
        reverse("observatory:geojson"),
        reverse("observatory:area", args=["governorate", MINYA]),
        reverse("observatory:export_csv"),
        reverse("observatory:export_hxl"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_volunteer_cannot_open_the_map_its_menu_does_not_offer(client):
    client.force_login(user_create(role=Role.VOLUNTEER))
    for url in (
        reverse("observatory:map"),
        reverse("observatory:geojson"),
        reverse("observatory:area", args=["governorate", MINYA]),
        reverse("observatory:export_csv"),
        "/api/gap/",
        "/api/gap/geojson/",
    ):
        assert client.get(url).status_code == 403, url


def test_navigation_offers_the_map_to_staff_and_board_but_not_volunteers(client, nour):
    client.force_login(user_create(role=Role.BOARD_MEMBER))
    assert reverse("observatory:map") in client.get(reverse("dashboard:home")).content.decode()
    client.force_login(user_create(role=Role.VOLUNTEER))
    assert reverse("observatory:map") not in client.get(reverse("dashboard:home")).content.decode()


# The page ----------------------------------------------------------------------------


def test_page_lists_the_27_governorates_in_rank_order_with_links_to_the_panel(client):
    # given
    client.force_login(secretariat_create())
    # when
    response = client.get(reverse("observatory:map"))
    # then
    table = response.context["table"]
    assert len(table.rows) == 27
    html = response.content.decode()
    assert html.count('data-testid="gap-row"') == 27
    assert f'data-code="{table.rows[0].code}"' in html
    assert 'hx-get="/observatory/area/governorate/' in html
    assert "<caption>" in html
    assert 'scope="col"' in html
    # the geojson URL and the exports carry the selection
    assert "/observatory/data.geojson?level=governorate&amp;measure=gap" in html
    assert "/observatory/export.hxl.csv?level=governorate&amp;measure=gap" in html


def test_unknown_measure_is_named_and_the_default_map_shown(client):
    # given
    client.force_login(secretariat_create())
    client.cookies["django_language"] = "en"
    # when
    response = client.get(reverse("observatory:map"), {"measure": "indicator:nonsense"})
    # then
    assert response.status_code == 400
    assert "Unknown measure indicator:nonsense." in response.content.decode()
    assert response.context["table"].measure == "gap"


def test_a_measure_unknown_at_the_new_level_is_reset_and_the_level_kept(client, minya_markaz):
    # given: poverty is published per governorate, not per district
    client.force_login(secretariat_create())
    client.cookies["django_language"] = "en"
    query = {"level": "district", "measure": "indicator:poverty_rate"}
    # when
    page = client.get(reverse("observatory:map"), query)
    swapped = client.get(reverse("observatory:map"), query, headers={"HX-Request": "true"})
    # then
    assert page.status_code == 400
    assert swapped.status_code == 200  # htmx swaps only successful answers
    table = page.context["table"]
    assert (table.level, table.measure) == ("district", "gap")
    assert "Unknown measure indicator:poverty_rate." in page.content.decode()


def test_districts_without_boundaries_are_listed_in_the_table(client, minya_markaz):
    # given
    client.force_login(secretariat_create())
    # when
    page = client.get(reverse("observatory:map"), {"level": "district"})
    geojson = client.get(reverse("observatory:geojson"), {"level": "district"})
    # then
    assert page.status_code == 200
    assert [row.code for row in page.context["table"].rows] == ["EG2401"]
    assert "مركز المنيا" in page.content.decode()
    assert "/observatory/area/district/EG2401/" in page.content.decode()
    assert geojson.json()["features"] == []


def test_geojson_has_a_feature_per_governorate_with_the_chosen_measure(client):
    # given
    client.force_login(secretariat_create())
    # when
    response = client.get(reverse("observatory:geojson"), {"measure": "need"})
    # then
    data = response.json()
    assert response.status_code == 200
    assert len(data["features"]) == 27
    assert data["measure"] == "need"
    for feature in data["features"]:
        assert feature["properties"]["value"] == feature["properties"]["need"]


def test_geojson_with_a_bad_period_answers_400_with_the_code(client):
    client.force_login(secretariat_create())
    response = client.get(reverse("observatory:geojson"), {"period": "yesterday"})
    assert response.status_code == 400
    assert response.json()["code"] == "observatory.unknown_period"
    assert response.json()["field"] == "period"


def test_a_period_in_arabic_indic_digits_is_the_same_period_and_snapshot(client):
    client.force_login(secretariat_create())
    western = client.get(reverse("observatory:geojson"), {"period": "2025"})
    arabic = client.get(reverse("observatory:geojson"), {"period": "٢٠٢٥"})
    page = client.get(reverse("observatory:map"), {"period": "٢٠٢٥-Q1"})
    assert arabic.status_code == western.status_code == page.status_code == 200
    assert arabic.json() == western.json()
    assert page.context["selection"].period == "2025-Q1"
    # One spelling of a period, so the map keeps one snapshot of it fresh, not one per spelling.
    assert set(GapSnapshot.objects.values_list("period", flat=True)) <= {"all", "2025", "2025-Q1"}


# The panel ---------------------------------------------------------------------------


def test_panel_is_a_fragment_for_htmx_and_a_page_without_it(client, served_minya):
    # given
    client.force_login(secretariat_create())
    url = reverse("observatory:area", args=["governorate", MINYA])
    # when
    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)
    # then
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'data-testid="area-figures"' in fragment.content.decode()
    assert "المنيا" in fragment.content.decode()
    assert "<html" in page.content.decode()
    assert 'data-testid="area-members"' in page.content.decode()


def test_panel_of_an_unknown_area_is_not_found(client):
    client.force_login(secretariat_create())
    response = client.get(reverse("observatory:area", args=["governorate", "99"]))
    assert response.status_code == 404


# Exports -----------------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["gap", "need", "coverage:households_reached"])
def test_csv_export_holds_exactly_the_rows_of_the_table(client, served_minya, measure):
    # given
    user = secretariat_create()
    client.force_login(user)
    page = client.get(reverse("observatory:map"), {"measure": measure})
    table = page.context["table"]
    # when
    response = client.get(reverse("observatory:export_csv"), {"measure": measure})
    # then
    header, *rows = read_csv(response)
    assert header[3] == table.measure_label
    assert [row[1] for row in rows] == [row.code for row in table.rows]
    assert [row[2] for row in rows] == [row.name for row in table.rows]
    assert [row[0] for row in rows] == [
        "" if row.rank is None else str(row.rank) for row in table.rows
    ]
    assert [row[4] for row in rows] == [
        "" if row.gap is None else f"{round(row.gap, 4):g}" for row in table.rows
    ]
    assert len(rows) == 27
    as_of = timezone.localtime(table.as_of).date().isoformat()
    assert response["Content-Disposition"].endswith(f'-all-{as_of}.csv"')
    event = AuditEvent.objects.get(action="export")
    assert event.actor == user
    assert event.target_type == "observatory.gap_table"
    assert event.changes["rows"] == 27
    assert event.changes["measure"] == measure


def test_hxl_export_has_the_hashtag_row_under_the_header(client):
    # given
    client.force_login(secretariat_create())
    # when
    response = client.get(reverse("observatory:export_hxl"))
    # then
    header, hashtags, *rows = read_csv(response)
    assert len(header) == len(hashtags)
    # The gap shown is the value column: it is not repeated.
    assert hashtags[:8] == [
        "#indicator+rank",
        "#adm1+code",
        "#adm1+name",
        "#indicator+value+gap",
        "#indicator+need",
        "#indicator+coverage",
        "#indicator+gap_rank",
        "#population+total",
    ]
    assert len(set(header)) == len(header)
    assert "#reached+households" in hashtags
    assert len(rows) == 27
    assert response["Content-Disposition"].split("filename=")[1].endswith('.hxl.csv"')


def test_export_with_a_bad_sector_answers_400_and_writes_no_audit(client):
    client.force_login(secretariat_create())
    response = client.get(reverse("observatory:export_csv"), {"sector": "no-such-sector"})
    assert response.status_code == 400
    assert response.json()["code"] == "observatory.unknown_sector"
    assert not AuditEvent.objects.filter(action="export").exists()


# Small counts ------------------------------------------------------------------------


def test_member_user_sees_fewer_than_10_instead_of_a_small_count(client, nour, served_minya):
    # given: three households reached in Minya, below the default threshold of 10
    client.force_login(user_create(role=Role.MEMBER_ADMIN, member=nour))
    client.cookies["django_language"] = "en"
    # when
    page = client.get(reverse("observatory:map"))
    panel = client.get(reverse("observatory:area", args=["governorate", MINYA]))
    export = client.get(reverse("observatory:export_csv"))
    # then
    minya = next(row for row in page.context["table"].rows if row.code == MINYA)
    assert minya.suppressed is True
    assert minya.households_reached is None
    html = page.content.decode()
    row_html = html.split(f'data-code="{MINYA}"')[1].split("</tr>")[0]
    assert "fewer than 10" in row_html
    assert ">3<" not in row_html
    assert "fewer than 10" in panel.content.decode()
    header, *rows = read_csv(export)
    exported = next(row for row in rows if row[1] == MINYA)
    households = header.index("Households reached")
    assert exported[households] == "<10"
    assert exported[header.index("People reached")] == "<10"


def test_secretariat_sees_the_exact_small_count(client, served_minya):
    # given
    client.force_login(secretariat_create())
    client.cookies["django_language"] = "en"
    # when
    export = client.get(reverse("observatory:export_csv"))
    # then
    header, *rows = read_csv(export)
    exported = next(row for row in rows if row[1] == MINYA)
    assert exported[header.index("Households reached")] == "3"
    assert exported[header.index("People reached")] == "6"


def test_table_and_export_agree_for_a_member_user(client, nour, served_minya):
    # given
    user = user_create(role=Role.CASE_WORKER, member=nour)
    client.force_login(user)
    # when
    table = selectors.gap_table(user=user)
    _header, *rows = read_csv(client.get(reverse("observatory:export_csv")))
    # then
    assert [row[1] for row in rows] == [row.code for row in table.rows]
    assert "3" not in {row[9] for row in rows}


def test_districts_with_imported_boundaries_are_drawn(client, minya_markaz):
    # given: the markaz's boundary was imported (a small square inside Minya)
    minya_markaz.boundary = {
        "type": "Polygon",
        "coordinates": [[[30.7, 28.1], [30.8, 28.1], [30.8, 28.2], [30.7, 28.2], [30.7, 28.1]]],
    }
    minya_markaz.save()
    client.force_login(secretariat_create())
    # when
    geojson = client.get(reverse("observatory:geojson"), {"level": "district"}).json()
    # then
    [feature] = geojson["features"]
    assert feature["id"] == "EG2401"
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert feature["properties"]["name_ar"] == "مركز المنيا"


def test_the_export_names_missing_indicators_and_repeats_no_score(client):
    client.force_login(secretariat_create())
    header, *rows = read_csv(client.get(reverse("observatory:export_csv"), {"measure": "need"}))
    assert len(set(header)) == len(header)  # the need shown is not a second column too
    missing = [row[header.index("المؤشرات الناقصة")] for row in rows]
    assert any(missing)
    assert not any("_" in cell for cell in missing)  # names, not codes such as unemployment_rate
