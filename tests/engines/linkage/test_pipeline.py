"""The batch path end to end on a few records: score with Splink, then cluster."""

from marsad.engines.linkage.model import load_model
from marsad.engines.linkage.pipeline import link_rows
from tests.engines.linkage.conftest import row

NID = "28208151304597"  # valid: a man born on 1982-08-15
NAME = "محمود عبد الرحمن حسن الشرقاوي"


def test_a_person_whose_identifier_carries_a_mistyped_birth_date_stays_one_person():
    rows = [
        row(record_id="org", full_name=NAME, national_id=NID, birth_date="1982-08-15"),
        # The same identifier with a birth date typed far off.
        row(record_id="typo", full_name=NAME, national_id=NID, birth_date="1928-05-18"),
        # No identifier, the right birth date: the typed date of "typo" is no evidence.
        row(record_id="no-id", full_name=NAME, birth_date="1982-08-15", phone="01012345678"),
        # His brother: same father, grandfather and family, another first name.
        row(record_id="brother", full_name="أحمد عبد الرحمن حسن الشرقاوي", birth_date="1982-08-15"),
    ]
    clustering, _ = link_rows(rows, load_model())
    assert clustering.cluster_of["typo"] == clustering.cluster_of["org"]
    assert clustering.cluster_of["no-id"] == clustering.cluster_of["org"]
    assert clustering.cluster_of["brother"] == "brother"
