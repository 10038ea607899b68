"""Reading member files: encodings, separators, XLSX cell types, values, households."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import translation

from marsad.core.errors import ApplicationError
from marsad.imports.errors import ImportsError
from marsad.imports.parsing import (
    Columns,
    HouseholdParser,
    Places,
    ValueProblem,
    cell_text,
    count_households,
    data_rows,
    estimate_data_rows,
    household_groups,
    parse_date,
    parse_decimal,
    read_header,
)
from marsad.matching.linkage import governorate_index
from tests.imports.files import HOUSEHOLD_HEADER, write_csv, write_xlsx


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-03-31", datetime.date(2024, 3, 31)),
        ("31/03/2024", datetime.date(2024, 3, 31)),
        ("٣١/٠٣/٢٠٢٤", datetime.date(2024, 3, 31)),
        ("1/3/2024", datetime.date(2024, 3, 1)),
        (datetime.datetime(2024, 3, 31, 0, 0), datetime.date(2024, 3, 31)),  # noqa: DTZ001 - Excel's
        (45382, datetime.date(2024, 3, 31)),  # an Excel serial number
        ("45382", datetime.date(2024, 3, 31)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_forms_files_use(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("32/13/2005", ImportsError.INVALID_DATE),
        ("أمس", ImportsError.INVALID_DATE),
        ("1982", ImportsError.INCOMPLETE_DATE),
        # A year in a number cell, not Excel's day 1982 (1905-06-04).
        (1982, ImportsError.INCOMPLETE_DATE),
        (1982.0, ImportsError.INCOMPLETE_DATE),
    ],
)
def test_unreadable_dates_are_problems(cell, code):
    with pytest.raises(ValueProblem) as problem:
        parse_date(cell)
    assert problem.value.code == code


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1,250.50", Decimal("1250.50")), ("١٢٥٠", Decimal(1250)), (300, Decimal(300)), ("", None)],
)
def test_numbers(cell, expected):
    assert parse_decimal(cell) == expected


def test_a_word_is_not_a_number():
    with pytest.raises(ValueProblem) as problem:
        parse_decimal("كثير")
    assert problem.value.code == ImportsError.INVALID_NUMBER


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1256", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_in_any_encoding_and_separator(tmp_path, encoding, delimiter):
    path = write_csv(
        tmp_path / "f.csv",
        ["رقم الأسرة", "الاسم"],
        [["H-1", "محمد أحمد"], ["H-2", "فاطمة علي"]],
        encoding=encoding,
        delimiter=delimiter,
    )
    assert read_header(path, "households") == (1, ["رقم الأسرة", "الاسم"])
    assert [(row.line, list(row.cells)) for row in data_rows(path)] == [
        (2, ["H-1", "محمد أحمد"]),
        (3, ["H-2", "فاطمة علي"]),
    ]


@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_excel_s_separator_line_names_the_separator_and_is_not_a_row(tmp_path, separator):
    path = tmp_path / "f.csv"
    lines = [f"sep={separator}", separator.join(["رقم الأسرة", "الاسم"]), f"H-1{separator}محمد"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    # Excel hides that line: the header is its row 1, and row numbers stay Excel's.
    assert read_header(path, "households") == (1, ["رقم الأسرة", "الاسم"])
    assert [(row.line, list(row.cells)) for row in data_rows(path)] == [(2, ["H-1", "محمد"])]


def test_blank_rows_are_skipped_and_lines_keep_their_numbers(tmp_path):
    path = write_csv(tmp_path / "f.csv", ["a", "b"], [["1", "x"], ["", ""], ["2", "y"]])
    assert [row.line for row in data_rows(path)] == [2, 4]


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ApplicationError) as error:
        read_header(path, "households")
    assert error.value.code == ImportsError.UNREADABLE_FILE
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ApplicationError) as error:
        read_header(empty, "households")
    assert error.value.code == ImportsError.EMPTY_FILE


def test_lines_in_another_encoding_inside_a_utf8_file_are_named_not_garbled(tmp_path):
    # Read as Windows-1256, every Arabic word of the UTF-8 lines would come out garbled.
    path = tmp_path / "f.csv"
    utf8 = "رقم الأسرة,الاسم\nH-1,محمد أحمد\n".encode()
    path.write_bytes(utf8 + "H-2,فاطمة علي\n".encode("cp1256") + "H-3,سعاد حسن\n".encode())
    with pytest.raises(ApplicationError) as error, translation.override("en"):
        read_header(path, "households")
    assert error.value.code == ImportsError.UNREADABLE_FILE
    assert "(lines 3)" in error.value.message
    # A whole Windows-1256 file is still read as such.
    path.write_bytes("رقم الأسرة,الاسم\nH-1,محمد أحمد\n".encode("cp1256"))
    assert read_header(path, "households") == (1, ["رقم الأسرة", "الاسم"])


def test_a_quote_mark_left_open_is_named_with_its_lines_before_any_row_is_used(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        'رقم الأسرة,الاسم,الرقم القومي\nH-1,"محمد أحمد,\nH-2,علي حسن,\nH-3,منى سيد,\n',
        encoding="utf-8",
    )
    assert read_header(path, "households").names == ["رقم الأسرة", "الاسم", "الرقم القومي"]
    with pytest.raises(ApplicationError) as error, translation.override("en"):
        list(data_rows(path))
    assert error.value.code == ImportsError.UNREADABLE_FILE
    assert 'A quote mark (") opens a cell on line 2 that runs to line 4' in str(error.value.message)


@pytest.mark.parametrize("xlsx", [False, True])
def test_title_rows_above_the_header_are_not_data(tmp_path, xlsx):
    writer = write_xlsx if xlsx else write_csv
    path = writer(
        tmp_path / ("f.xlsx" if xlsx else "f.csv"),
        ["كشف المستفيدين - جمعية الخير"],
        [
            ["", "", ""],
            ["التاريخ: 2024/03/01", "", ""],
            ["رقم الأسرة", "الاسم", "الرقم القومي"],
            ["H-1", "محمد أحمد", ""],
            ["", "", ""],
            ["H-2", "فاطمة علي", ""],
        ],
    )
    line, header = read_header(path, "households")
    assert (line, header) == (4, ["رقم الأسرة", "الاسم", "الرقم القومي"])
    assert [(row.line, cell_text(row.cells[1])) for row in data_rows(path, line)] == [
        (5, "محمد أحمد"),
        (7, "فاطمة علي"),
    ]
    assert estimate_data_rows(path, line) == (0 if xlsx else 3)


def test_without_known_column_names_the_first_row_that_is_not_blank_is_the_header(tmp_path):
    path = write_csv(tmp_path / "f.csv", ["", ""], [["col a", "col b"], ["1", "2"]])
    assert read_header(path, "aid") == (2, ["col a", "col b"])
    # A title cell naming one field is not a header: two fields must be named.
    path = write_csv(tmp_path / "g.csv", ["الاسم"], [["x", "y"], ["الاسم", "الرقم القومي"]])
    assert read_header(path, "households") == (3, ["الاسم", "الرقم القومي"])


@pytest.fixture
def places(db):
    return Places(governorate_index(), [])


def parse_rows(tmp_path, rows, *, xlsx=False):
    writer = write_xlsx if xlsx else write_csv
    path = writer(tmp_path / ("f.xlsx" if xlsx else "f.csv"), HOUSEHOLD_HEADER, rows)
    _line, header = read_header(path, "households")
    mapping = {
        "household_ref": header[0],
        "full_name": header[1],
        "national_id": header[2],
        "gender": header[3],
        "birth_date": header[4],
        "relation": header[5],
        "governorate": header[6],
        "address": header[7],
    }
    columns = Columns(header, mapping)
    _count, per_ref = count_households(path, columns)
    return path, columns, per_ref


def test_xlsx_numbers_and_dates_become_what_registration_expects(tmp_path, places):
    rows = [
        [
            "H-1",
            "محمد أحمد علي الشافعي",
            28208151304597,  # Excel keeps a long ID as a number
            "ذكر",
            datetime.datetime(1982, 8, 15),  # noqa: DTZ001 - Excel dates are naive
            "رب الأسرة",
            24,
            "شارع النيل",
        ],
        ["H-1", "منى محمد أحمد", "", "", 38000, "ابنة", 24, ""],
    ]
    path, columns, per_ref = parse_rows(tmp_path, rows, xlsx=True)
    (source,) = list(household_groups(path, columns, per_ref))
    parsed = HouseholdParser(columns, places).parse(source)
    assert parsed.problems == []
    assert parsed.household.governorate == "24"
    assert parsed.household.address == "شارع النيل"
    head, daughter = parsed.people
    assert (head.national_id, head.gender, head.birth_date, head.relation) == (
        "28208151304597",
        "M",
        datetime.date(1982, 8, 15),
        "head",
    )
    assert (daughter.birth_date, daughter.relation) == (datetime.date(2004, 1, 14), "daughter")


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("رب الأسرة", "head"),
        ("رب الاسره", "head"),
        ("Head", "head"),
        ("زوجة", "spouse"),
        ("الزوج", "spouse"),
        ("ابن", "son"),
        ("إبنة", "daughter"),
        ("بنت", "daughter"),
        ("Father", "father"),
        ("أم", "mother"),
        ("حفيد", "other"),
    ],
)
def test_relations_in_arabic_and_english(tmp_path, places, text, relation):
    row = ["H-1", "محمد أحمد علي", "", "ذكر", "", text, "القاهرة", ""]
    path, columns, per_ref = parse_rows(tmp_path, [row])
    (source,) = list(household_groups(path, columns, per_ref))
    parsed = HouseholdParser(columns, places).parse(source)
    assert parsed.problems == []
    assert parsed.people[0].relation == relation


def test_every_unreadable_value_is_a_problem_of_its_row(tmp_path, places):
    rows = [
        ["H-1", "محمد أحمد علي", "", "؟", "1982", "جار", "أتلانتس", ""],
        ["", "فاطمة علي", "", "أنثى", "", "زوجة", "القاهرة", ""],
    ]
    path, columns, per_ref = parse_rows(tmp_path, rows)
    first, second = list(household_groups(path, columns, per_ref))
    parser = HouseholdParser(columns, places)
    assert [(p["field"], p["code"]) for p in parser.parse(first).problems] == [
        ("household.governorate", "imports.unknown_governorate"),
        ("people.0.gender", "imports.unknown_gender"),
        ("people.0.relation", "imports.unknown_relation"),
        ("people.0.birth_date", "imports.incomplete_date"),
    ]
    assert [p["code"] for p in parser.parse(second).problems] == ["imports.household_ref_required"]


def test_rows_of_a_household_may_be_apart_in_the_file(tmp_path, places):
    row = ["", "اسم", "", "ذكر", "", "ابن", "القاهرة", ""]
    refs = ["A", "B", "A", "C", "B", "A"]
    path, columns, per_ref = parse_rows(tmp_path, [[ref, *row[1:]] for ref in refs])
    assert per_ref == Counter({"A": 3, "B": 2, "C": 1})
    groups = list(household_groups(path, columns, per_ref))
    assert [(group.ref, group.lines) for group in groups] == [
        ("C", [5]),
        ("B", [3, 6]),
        ("A", [2, 4, 7]),
    ]


@pytest.mark.parametrize(
    ("relation", "gender"),
    [("زوجة", "F"), ("زوج", "M"), ("ابن", "M"), ("بنت", "F"), ("أم", "F"), ("ربة الأسرة", "F")],
)
def test_an_empty_gender_is_read_from_a_gendered_relation(tmp_path, places, relation, gender):
    rows = [
        ["H-1", "محمد أحمد علي الشافعي", "28208151304597", "", "", "رب الأسرة", "24", ""],
        ["H-1", "منى محمد أحمد", "", "", "", relation, "24", ""],
    ]
    path, columns, per_ref = parse_rows(tmp_path, rows)
    (source,) = list(household_groups(path, columns, per_ref))
    parsed = HouseholdParser(columns, places).parse(source)
    assert [person.gender for person in parsed.people] == ["M", gender]
    assert parsed.problems == []


def test_a_gender_nothing_gives_is_a_row_problem_saying_how_to_fix_it(tmp_path, places):
    rows = [["H-1", "منى محمد أحمد", "", "", "", "رب الأسرة", "24", ""]]
    path, columns, per_ref = parse_rows(tmp_path, rows)
    (source,) = list(household_groups(path, columns, per_ref))
    with translation.override("en"):
        parsed = HouseholdParser(columns, places).parse(source)
    [problem] = parsed.problems
    assert (problem["field"], problem["code"]) == ("people.0.gender", ImportsError.GENDER_REQUIRED)
    assert "ذكر" in problem["message"]


def test_a_date_cell_reads_as_its_date_and_a_delivery_key_stays_as_stored_before():
    midnight = datetime.datetime(1990, 1, 1)  # noqa: DTZ001 - openpyxl reads date cells naive
    assert cell_text(midnight) == "1990-01-01"
    assert cell_text(midnight.replace(hour=9, minute=30)) == "1990-01-01 09:30:00"
    # The keys of deliveries without a reference hashed the date with its time of day.
    from marsad.imports.parsing import _key_text

    assert _key_text(midnight) == "1990-01-01 00:00:00"
    assert _key_text("1990-01-01") == "1990-01-01"
