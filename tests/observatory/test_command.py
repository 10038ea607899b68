"""`marsad observatory seed|recompute|import-indicators FILE`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marsad.observatory.models import GapSnapshot, IndicatorValue

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("observatory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_seed_and_recompute():
    out, _ = run("seed")
    assert "119" in out
    run("recompute")
    assert GapSnapshot.objects.filter(period="all", sector="").count() == 1


def test_import_reports_every_bad_row_and_exits_2(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "indicator,governorate,year,value,source\npoverty_rate,Atlantis,2019,1,x\n"
        "poverty_rate,21,2019,x,x\n",
        encoding="utf-8",
    )
    before = IndicatorValue.objects.count()
    with pytest.raises(CommandError) as caught:
        run("import-indicators", str(path))
    assert caught.value.returncode == 2
    assert IndicatorValue.objects.count() == before


def test_import_with_a_default_indicator_and_source(tmp_path):
    path = tmp_path / "giza.csv"
    path.write_text("governorate,year,value\nGiza,2019/20,27.9\n", encoding="utf-8")
    out, _ = run(
        "import-indicators", str(path), "--indicator", "poverty_rate", "--source", "HIECS 2019/20"
    )
    assert (
        IndicatorValue.objects.get(governorate__code="21", indicator__code="poverty_rate").value
        == 27.9
    )
    assert "1" in out
