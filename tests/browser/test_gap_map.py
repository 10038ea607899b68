"""In Chromium: the gap map draws 27 governorates, recolours by measure, opens an area's
panel from the map and from the table, and exports the rows it shows."""

import csv
import io
from pathlib import Path

import pytest

from marsad.members.models import Role
from marsad.observatory.services import gap_snapshot_compute, indicators_seed
from tests.assistance.factories import entry_create, family_create
from tests.browser.conftest import log_in
from tests.browser.test_aid_flow import seed_taxonomy
from tests.factories import member_create, user_create

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_transactional_db")]

# A point inside the path (the centre of a governorate's box may lie in its neighbour).
POINT_INSIDE = """(path) => {
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 12; i++) {
    for (let j = 1; j < 12; j++) {
      const x = box.left + (box.width * i) / 12, y = box.top + (box.height * j) / 12;
      if (document.elementFromPoint(x, y) === path) { return [x, y]; }
    }
  }
  return null;
}"""
FILLS = "paths => paths.map(p => p.getAttribute('data-area') + '=' + p.getAttribute('fill'))"


def seed_coverage():
    """Households reached in three governorates, then the snapshot the map reads."""
    seed_taxonomy()
    indicators_seed()
    nour = member_create(slug="nour", name_ar="مؤسسة النور", name_en="Nour Foundation")
    for governorate, households in (("24", 12), ("01", 4), ("25", 11)):
        for _index in range(households):
            household = family_create(member=nour, size=2, governorate_code=governorate)
            entry_create(member=nour, household=household)
    gap_snapshot_compute(level="governorate", sector="", period="all")


def table_rows(page):
    return page.locator("[data-testid=gap-row]").evaluate_all(
        """rows => rows.map(r => [r.dataset.code, r.querySelector('th').innerText.trim(),
                                  r.querySelector('[data-testid=gap-value]').innerText.trim()])"""
    )


def test_map_measures_panel_and_export(browser, live_server):
    seed_coverage()
    user_create(role=Role.SECRETARIAT_ANALYST, username="analyst")
    page = browser.new_page(accept_downloads=True)
    log_in(page, live_server, "analyst")

    # The map draws the 27 governorates from the shipped boundaries, with a 5-class legend.
    page.goto(f"{live_server.url}/observatory/")
    page.wait_for_selector("#gap-map[data-ready=true][data-measure=gap]")
    areas = page.locator("path[data-testid=gap-area]")
    assert areas.count() == 27
    assert page.locator("#gap-map .leaflet-tile").count() == 0  # no tile server needed
    legend = page.get_by_test_id("gap-legend")
    assert page.locator("[data-testid=legend-class]").count() == 5
    assert page.get_by_test_id("legend-nodata").count() == 1
    gap_fills = areas.evaluate_all(FILLS)
    # areas without a gap (not enough indicators) are hatched, and say so
    assert any(fill.endswith("=url(#gap-nodata-hatch)") for fill in gap_fills)
    gap_legend = legend.inner_text()

    # Another measure: the colours and the legend change, the table follows.
    page.select_option("#id_measure", "coverage")
    page.wait_for_selector("#gap-map[data-ready=true][data-measure=coverage]")
    assert areas.count() == 27
    assert areas.evaluate_all(FILLS) != gap_fills
    assert legend.inner_text() != gap_legend
    assert "measure=coverage" in page.url
    assert page.get_by_test_id("export-csv").get_attribute("href").find("measure=coverage") > 0

    # A click on Minya opens its panel with its figures.
    minya = page.locator("path[data-area='24']")
    point = minya.evaluate(POINT_INSIDE)
    assert point is not None
    page.mouse.move(*point)
    tooltip = page.locator(".gap-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text().startswith("المنيا: ")
    page.mouse.click(*point)
    panel = page.locator("[data-testid=area-detail][data-code='24']")
    panel.wait_for()
    shown = {code: (name, gap) for code, name, gap in table_rows(page)}
    assert shown["24"][0] in panel.locator("h2").inner_text()
    assert panel.get_by_test_id("area-gap").inner_text() == shown["24"][1]
    assert panel.get_by_test_id("area-households").inner_text() == "12"
    assert "مؤسسة النور" in panel.get_by_test_id("area-members").inner_text()

    # The table is the keyboard way in: Enter on an area name opens its panel.
    cairo_link = page.locator("[data-testid=gap-row][data-code='01'] [data-testid=area-link]")
    cairo_link.focus()
    page.keyboard.press("Enter")
    page.locator("[data-testid=area-detail][data-code='01']").wait_for()
    assert page.evaluate("document.activeElement.id") == "area-panel"

    # The export downloads the rows shown, in the same order.
    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    download = download_info.value
    assert download.suggested_filename.startswith("marsad-gaps-governorate-coverage-all-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    _header, *rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 27
    assert [(row[1], row[2]) for row in rows] == [
        (code, name) for code, name, _gap in table_rows(page)
    ]

    # Back to the first selection: the page is reloaded and the map drawn again.
    page.go_back()
    page.wait_for_selector("#gap-map[data-ready=true][data-measure=gap]")
    assert areas.count() == 27
    page.close()
