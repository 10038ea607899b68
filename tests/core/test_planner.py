"""Planner statistics kept current by bulk work (`core.planner`)."""

from marsad.core import planner
from marsad.core.planner import needs_analysis


def test_a_table_is_due_once_it_has_doubled_since_its_last_analysis():
    small = planner.MINIMUM_PAGES - 1
    assert not needs_analysis(small, 0)  # too small to matter yet
    assert needs_analysis(planner.MINIMUM_PAGES, 0)  # never analysed
    assert not needs_analysis(2000, 1000)
    assert needs_analysis(2001, 1000)
