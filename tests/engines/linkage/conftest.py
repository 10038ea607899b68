import datetime

import pytest

from marsad.engines.linkage.features import feature_row
from marsad.engines.linkage.records import GovernorateIndex, clean_record

TODAY = datetime.date(2026, 11, 29)
GOVERNORATES = GovernorateIndex(
    [("01", "القاهرة", "Cairo"), ("24", "المنيا", "Minya"), ("26", "سوهاج", "Sohag")]
)


def row(**fields):
    """A feature row from spec columns, e.g. row(full_name="...", birth_date="...")."""
    fields.setdefault("record_id", "r")
    return feature_row(clean_record(fields, today=TODAY, governorates=GOVERNORATES))


@pytest.fixture
def make_row():
    return row
