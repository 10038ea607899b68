"""`marsad import FILE --member SLUG --kind households|aid`."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from marsad.imports.models import ImportBatch
from marsad.registry.models import Household
from tests.imports.files import HOUSEHOLD_HEADER, HOUSEHOLD_ROWS, households_csv, write_csv


def run(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("import", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()  # "import=<id> rows=... seconds=..."


def test_import_prints_a_summary_and_writes_the_rejected_rows(tmp_path, nour):
    rejected = tmp_path / "rejected.csv"
    # when
    out = run(
        households_csv(tmp_path), "--member", "nour", "--kind", "households", "--rejected", rejected
    )
    # then
    assert out.split(" ", 1)[1].startswith("rows=9 records=6 created=3 existing=0 rejected=3 ")
    assert "people_created=5 people_linked=0 pending_review=0 to_review=0 seconds=" in out
    rows = list(csv.reader(rejected.open(encoding="utf-8-sig")))
    assert rows[0] == [*HOUSEHOLD_HEADER, "السبب / Reason"]
    assert len(rows) == 5
    # Again: nothing new.
    out = run(households_csv(tmp_path), "--member", "nour", "--kind", "households")
    assert out.split(" ", 1)[1].startswith("rows=9 records=6 created=0 existing=3 rejected=3 ")
    assert Household.objects.count() == 3


def test_title_rows_above_the_header_are_reported_and_skipped(tmp_path, nour):
    path = write_csv(
        tmp_path / "titled.csv", ["كشف الأسر"], [[], HOUSEHOLD_HEADER, *HOUSEHOLD_ROWS]
    )
    err = StringIO()
    with translation.override("en"):
        call_command(
            "import",
            str(path),
            "--member",
            "nour",
            "--kind",
            "households",
            stdout=StringIO(),
            stderr=err,
        )
    assert "The column names are on line 3" in err.getvalue()
    assert Household.objects.count() == 3


def test_dry_run_writes_nothing(tmp_path, nour):
    out = run(households_csv(tmp_path), "--member", "nour", "--kind", "households", "--dry-run")
    assert out.split(" ", 1)[1].startswith("rows=9 records=6 valid=3 existing=0 rejected=3 ")
    assert not Household.objects.exists()
    assert ImportBatch.objects.get().status == ImportBatch.Status.PREVIEWED


def test_an_explicit_mapping(tmp_path, nour):
    header = ["A", "B", "C", "D", "E"]
    path = write_csv(
        tmp_path / "f.csv", header, [["1", "محمد أحمد علي", "ذكر", "رب الأسرة", "القاهرة"]]
    )
    mapping = ["household_ref=A", "full_name=B", "gender=C", "relation=D", "governorate=E"]
    args = [path, "--member", "nour", "--kind", "households"]
    for item in mapping:
        args += ["--mapping", item]
    assert "created=1" in run(*args)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--member", "nobody", "--kind", "households"], "No member institution 'nobody'"),
        (["--member", "nour", "--kind", "aid"], "Choose the file's column for"),
        (
            ["--member", "nour", "--kind", "households", "--mapping", "nope=X"],
            "'nope' is not a field",
        ),
        (["--member", "nour", "--kind", "households", "--mapping", "full_name"], "FIELD=Column"),
    ],
)
def test_unusable_arguments_exit_with_code_2(tmp_path, nour, args, message):
    with pytest.raises(CommandError) as error:
        run(households_csv(tmp_path), *args)
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_an_unreadable_file_exits_with_code_2(tmp_path, nour):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 garbage")
    for path in (broken, tmp_path / "missing.csv"):
        with pytest.raises(CommandError) as error:
            run(path, "--member", "nour", "--kind", "households")
        assert error.value.returncode == 2
    assert not ImportBatch.objects.exists()


def test_a_failure_midway_exits_with_code_1(tmp_path, nour, monkeypatch):
    from marsad.registry import batch as registry_batch

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(registry_batch, "households_register_batch", broken)
    with pytest.raises(CommandError) as error:
        run(households_csv(tmp_path), "--member", "nour", "--kind", "households")
    assert error.value.returncode == 1
    assert "run the command again to continue" in str(error.value)
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED
