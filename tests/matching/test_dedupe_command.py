"""`marsad dedupe` as the person-records spec describes it, run as a real subprocess."""

import csv
import datetime
import os
import subprocess
import sys

import pytest
from openpyxl import Workbook

from tests.imports.files import PDF_START, write_ods, write_xls

HEADER = [
    "record_id",
    "source",
    "national_id",
    "full_name",
    "birth_date",
    "gender",
    "governorate",
    "phone",
]
ROWS = [
    [
        "a1",
        "nour",
        "28208151304597",
        "محمد أحمد علي الشافعي",
        "1982-08-15",
        "M",
        "المنيا",
        "01012345678",
    ],
    [
        "a2",
        "amal",
        "٢٨٢٠٨١٥١٣٠٤٥٩٧",
        "محمد احمد على",
        "15/08/1982",
        "ذكر",
        "Minya",
        "+20 101 234 5678",
    ],
    ["a3", "khair", "", "Mohamed Ahmed Ali El-Shafei", "1982-08-15", "male", "24", ""],
    ["b1", "nour", "", "حسن محمد علي الشافعي", "2010-03-04", "M", "سوهاج", "01112223334"],
    ["b2", "amal", "", "حسين محمد علي الشافعي", "2010-03-04", "M", "سوهاج", "01112223334"],
    ["c1", "nour", "not-an-id", "فاطمة ", "32/13/1990", "?", "Atlantis", "12"],
]


def run(*args, cwd=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "marsad", "dedupe", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
        timeout=300,
    )


def write_csv(path, header, rows, encoding="utf-8", delimiter=","):
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_clusters(path):
    with path.open(encoding="utf-8") as handle:
        return {row["record_id"]: row for row in csv.DictReader(handle)}


def test_dedupe_writes_one_row_per_record_with_clusters(tmp_path):
    # given
    source = write_csv(tmp_path / "people.csv", HEADER, ROWS, encoding="utf-8-sig")
    output = tmp_path / "clusters.csv"
    # when
    result = run(source, "--output", output)
    # then
    assert result.returncode == 0, result.stderr
    clusters = read_clusters(output)
    assert list(clusters) == ["a1", "a2", "a3", "b1", "b2", "c1"]
    assert (
        clusters["a1"]["cluster_id"] == clusters["a2"]["cluster_id"] == clusters["a3"]["cluster_id"]
    )
    assert float(clusters["a1"]["match_probability"]) >= 0.99
    # Twins stay apart; the unreadable row is kept as its own cluster.
    assert len({clusters[r]["cluster_id"] for r in ("a1", "b1", "b2", "c1")}) == 4
    assert clusters["c1"]["match_probability"] == ""
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("records=6 clusters=4 pairs=3 ")
    assert "unreadable_values=1" in summary


def test_xlsx_input_with_numbers_stored_as_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Record_ID", "Full_Name", "National_ID", "Phone"])
    sheet.append(["x1", "محمد أحمد علي", 28208151304597, 1012345678])
    sheet.append(["x2", "محمد احمد علي", 28208151304597.0, "01012345678"])
    sheet.append(["x3", "سعاد محمود حسن", None, None])
    workbook.save(tmp_path / "people.xlsx")
    output = tmp_path / "clusters.csv"
    result = run(tmp_path / "people.xlsx", "--output", output)
    assert result.returncode == 0, result.stderr
    clusters = read_clusters(output)
    assert clusters["x1"]["cluster_id"] == clusters["x2"]["cluster_id"] == "x1"
    assert clusters["x3"]["cluster_id"] == "x3"


def test_xlsx_dates_as_excel_writes_them(tmp_path):
    # A date cell formatted as a number (Excel's serial day 30178 is 1982-08-15) and a month
    # by name are the same birth date; the namesake born in 1990 (serial 32874) is not.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["record_id", "full_name", "birth_date", "governorate"])
    sheet.append(["d1", "محمد أحمد علي حسن", 30178, "الجيزة"])
    sheet.append(["d2", "محمد احمد على حسن", "15-Aug-1982", "الجيزة"])
    sheet.append(["d3", "محمد أحمد علي حسن", 32874, "الجيزة"])
    workbook.save(tmp_path / "people.xlsx")
    output = tmp_path / "clusters.csv"
    result = run(tmp_path / "people.xlsx", "--output", output)
    assert result.returncode == 0, result.stderr
    clusters = read_clusters(output)
    assert clusters["d1"]["cluster_id"] == clusters["d2"]["cluster_id"]
    assert clusters["d3"]["cluster_id"] == "d3"
    assert "unreadable_values=0" in result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("writer", [write_xls, write_ods], ids=["xls", "ods"])
def test_excel_97_2003_and_opendocument_input(tmp_path, writer):
    path = writer(
        tmp_path / f"people.{writer.__name__[-3:]}",
        ["record_id", "full_name", "national_id", "birth_date"],
        [
            ["x1", "محمد أحمد علي", 28208151304597, datetime.date(1982, 8, 15)],
            ["x2", "محمد احمد على", "", "1982-08-15"],
            ["x3", "سعاد محمود حسن", "", 1982],
            [17, "كريم حسين عبدالرحمن", "", ""],
        ],
        **({"sheets": ["people", "more people"]} if writer is write_ods else {}),
    )
    output = tmp_path / "clusters.csv"
    result = run(path, "--output", output)
    assert result.returncode == 0, result.stderr
    clusters = read_clusters(output)
    assert clusters["x1"]["cluster_id"] == clusters["x2"]["cluster_id"] == "x1"
    assert clusters["x3"]["cluster_id"] == "x3"
    assert clusters["17"]["cluster_id"] == "17"  # a number cell's id, as the sheet shows it
    assert "unreadable_values=0" in result.stdout.strip().splitlines()[-1]
    if writer is write_ods:
        assert "more people" in result.stderr  # the sheet left unread is named


def test_sheets_left_unread_are_named(tmp_path):
    workbook = Workbook()
    workbook.active.append(["record_id", "full_name"])
    workbook.active.append(["1", "محمد أحمد علي"])
    other = workbook.create_sheet("Sohag")
    other.append(["record_id", "full_name"])
    other.append(["100", "سعاد علي حسن"])
    workbook.save(tmp_path / "people.xlsx")
    result = run(tmp_path / "people.xlsx", "--output", tmp_path / "out.csv")
    assert result.returncode == 0, result.stderr
    assert "Only the first sheet was read" in result.stderr
    assert "Sohag" in result.stderr
    assert list(read_clusters(tmp_path / "out.csv")) == ["1"]


def test_missing_record_id_column_exits_2(tmp_path):
    source = write_csv(tmp_path / "people.csv", ["id", "full_name"], [["1", "محمد"]])
    result = run(source, "--output", tmp_path / "out.csv")
    assert result.returncode == 2
    assert "no record_id column" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_duplicate_record_ids_exit_2_naming_them(tmp_path):
    source = write_csv(
        tmp_path / "people.csv",
        ["record_id", "full_name"],
        [["7", "محمد"], ["8", "علي"], ["7", "حسن"], ["", "سيد"]],
    )
    result = run(source, "--output", tmp_path / "out.csv")
    assert result.returncode == 2
    assert "1 duplicate record ids and 1 rows without a record_id" in result.stderr
    assert "record_id '7' on lines 2 and 4" in result.stderr
    assert "line 5: empty record_id" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "No such file"),
        ("garbage.xlsx", b"\x00\x01 not a zip", "Cannot open garbage.xlsx as an Excel workbook"),
        ("empty.csv", b"", "empty.csv is empty"),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "Cannot open old.xls as an Excel 97-2003 workbook (.xls)",
        ),
        ("people.csv", PDF_START, "people.csv is not a text file or a workbook"),
        ("people.ods", b"PK\x03\x04 damaged", "Cannot open people.ods as an Excel workbook"),
        (
            "mixed.csv",
            "record_id,full_name\n1,محمد أحمد\n".encode() + "2,فاطمة علي\n".encode("cp1256"),
            "mixed.csv is UTF-8 text, but line(s) 3 hold bytes that are not UTF-8",
        ),
        (
            # The quote before محمد is never closed: read as written, records 2 and 3 would
            # be part of record 1's name and missing from the output.
            "quote.csv",
            'record_id,full_name,birth_date\n1,"محمد أحمد,1990-01-01\n2,علي حسن,1985-02-02\n'
            "3,منى,1970-01-01\n".encode(),
            'quote.csv: a quote mark (") opens a cell on line 2 that runs to line 4',
        ),
    ],
)
def test_unreadable_files_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run(path, "--output", tmp_path / "out.csv")
    assert result.returncode == 2
    assert message in result.stderr


def test_windows_arabic_encoding_is_read(tmp_path):
    source = write_csv(
        tmp_path / "people.csv",
        ["record_id", "full_name"],
        [["1", "محمد أحمد علي"], ["2", "محمد أحمد علي"]],
        encoding="cp1256",
    )
    output = tmp_path / "out.csv"
    result = run(source, "--output", output)
    assert result.returncode == 0, result.stderr
    assert set(read_clusters(output)) == {"1", "2"}


def test_excel_unicode_text_is_read(tmp_path):
    # Excel's "Unicode Text (*.txt)": UTF-16 with a byte-order mark, tab-separated.
    source = write_csv(
        tmp_path / "people.txt",
        ["record_id", "full_name", "national_id"],
        [["1", "محمد أحمد علي", "28208151304597"], ["2", "محمد احمد على", "28208151304597"]],
        encoding="utf-16",
        delimiter="\t",
    )
    assert source.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    output = tmp_path / "out.csv"
    result = run(source, "--output", output)
    assert result.returncode == 0, result.stderr
    clusters = read_clusters(output)
    assert set(clusters) == {"1", "2"}
    assert clusters["1"]["cluster_id"] == clusters["2"]["cluster_id"]


def test_spark_engine_gives_the_same_clusters_as_duckdb(tmp_path):
    source = write_csv(tmp_path / "people.csv", HEADER, ROWS)
    duck, spark = tmp_path / "duck.csv", tmp_path / "spark.csv"
    assert run(source, "--output", duck).returncode == 0
    result = run(source, "--output", spark, "--engine", "spark")
    assert result.returncode == 0, result.stderr[-2000:]
    assert read_clusters(spark) == read_clusters(duck)
