"""Reading member spreadsheets: what Excel shows is what is read."""

import re
import zipfile

import pytest
from openpyxl import Workbook

from marsad.matching import files
from marsad.matching.files import table_rows
from tests.imports.files import write_ods


def test_a_merged_range_gives_its_value_to_every_cell_it_covers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["رقم الأسرة", "الاسم", "العنوان", "ملاحظات"])
    sheet.append(["H-1", "محمد أحمد", "شارع النيل", None])
    sheet.append([None, "فاطمة حسن", None, None])
    sheet.append([None, "منى محمد", None, "يتيمة"])
    sheet.append(["H-2", "سعيد محمود", "حي الزيتون", "أرملة"])
    sheet.merge_cells("A2:A4")  # the household number down its three people
    sheet.merge_cells("C2:C4")  # so is the address
    sheet.merge_cells("C5:D5")  # across two columns
    path = tmp_path / "merged.xlsx"
    workbook.save(path)

    rows = list(table_rows(path))

    assert rows[1:4] == [
        ["H-1", "محمد أحمد", "شارع النيل", ""],
        ["H-1", "فاطمة حسن", "شارع النيل", ""],
        ["H-1", "منى محمد", "شارع النيل", "يتيمة"],
    ]
    assert rows[4] == ["H-2", "سعيد محمود", "حي الزيتون", "حي الزيتون"]


def test_a_workbook_without_merged_ranges_reads_as_written(tmp_path):
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    workbook.active.append([1, None])
    path = tmp_path / "plain.xlsx"
    workbook.save(path)
    assert list(table_rows(path)) == [["a", "b"], [1, ""]]


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused(tmp_path, monkeypatch):
    workbook = Workbook()
    for number in range(2000):
        workbook.active.append(["H-1", "محمد أحمد علي", number])
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    # A real bomb unpacks to many GB; the limit is lowered to keep the test small.
    monkeypatch.setattr(files, "XLSX_EXPANDED_MAX", 10_000)
    with pytest.raises(files.PersonFileError) as caught:
        list(table_rows(path))
    assert caught.value.reason == "expanded"


def _with_sheet_xml(source, target, change):
    """A copy of a workbook with its first sheet's XML changed."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            new.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("kind", "dimension"),
    [("stated before the rows were written", b'<dimension ref="A1"/>'), ("missing", b"")],
)
def test_a_sheet_whose_size_is_stated_wrong_or_not_at_all_reads_whole(tmp_path, kind, dimension):
    workbook = Workbook()
    workbook.active.append(["رقم الأسرة", "الاسم", "الرقم القومي"])
    workbook.active.append(["H-1", "محمد أحمد", None])
    workbook.active.append(["H-2", None, "28208151304597"])
    written = tmp_path / "written.xlsx"
    workbook.save(written)
    path = _with_sheet_xml(
        written,
        tmp_path / "streamed.xlsx",
        lambda xml: re.sub(rb"<dimension [^>]*/>", dimension, xml),
    )
    assert b"A1:C3" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")

    assert list(table_rows(path)) == [
        ["رقم الأسرة", "الاسم", "الرقم القومي"],
        ["H-1", "محمد أحمد", ""],
        ["H-2", "", "28208151304597"],
    ], kind


def test_person_records_keep_their_line_numbers_past_blank_rows(tmp_path):
    # Blank rows before the header and between records are skipped, and the messages name
    # the lines a spreadsheet shows, a quoted name over two lines counting as one row.
    path = tmp_path / "people.csv"
    path.write_text(
        '\n\nrecord_id,full_name\n1,a\n,\n\n2,b\n3,"multi\nline"\n1,c\n', encoding="utf-8"
    )
    with pytest.raises(files.PersonFileError) as error:
        files.read_person_file(path)
    assert error.value.details == ["record_id '1' on lines 4 and 9"]


def test_person_records_read_after_blank_rows_and_name_the_sheets_left_unread(tmp_path):
    workbook = Workbook()
    first = workbook.active
    first.append([])
    first.append(["record_id", "full_name"])
    first.append(["1", "محمد أحمد"])
    second = workbook.create_sheet("فرع سوهاج")
    second.append(["record_id", "full_name"])
    second.append(["100", "سعاد علي"])
    workbook.create_sheet("فارغة")
    workbook.save(tmp_path / "people.xlsx")
    person_file = files.read_person_file(tmp_path / "people.xlsx")
    assert [row["record_id"] for row in person_file.rows] == ["1"]
    assert person_file.lines == [3]
    assert person_file.other_sheets == ["فرع سوهاج"]


def test_a_workbook_with_too_many_distinct_texts_is_refused(tmp_path, monkeypatch):
    # Excel keeps a workbook's texts in one table (openpyxl writes them inline instead).
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    path = tmp_path / "texts.xlsx"
    workbook.save(path)
    texts = "".join(f"<si><t>text {number}</t></si>" for number in range(200))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", f"<sst>{texts}</sst>")
    # A real one holds hundreds of MB of texts; the limit is lowered to keep the test small.
    monkeypatch.setattr(files, "XLSX_SHARED_STRINGS_MAX", 1_000)
    with pytest.raises(files.PersonFileError) as caught:
        list(table_rows(path))
    assert caught.value.reason == "texts"


def test_a_merged_range_over_the_whole_sheet_is_left_unmerged(tmp_path):
    # A range as wide or tall as a sheet is no layout of a list: taking it would make every
    # row sixteen thousand cells wide.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["رقم الأسرة", "الاسم"])
    sheet.append(["H-1", "محمد أحمد"])
    sheet.append([None, "فاطمة حسن"])
    workbook.save(tmp_path / "plain.xlsx")
    bomb = _with_sheet_xml(
        tmp_path / "plain.xlsx",
        tmp_path / "bomb.xlsx",
        lambda xml: xml.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A2:XFD1048576"/></mergeCells>',
        ),
    )
    assert list(table_rows(bomb)) == [
        ["رقم الأسرة", "الاسم"],
        ["H-1", "محمد أحمد"],
        ["", "فاطمة حسن"],
    ]


def test_a_cell_of_several_lines_is_one_cell(tmp_path):
    # How Excel writes an address of two lines: quoted, the line break inside.
    path = tmp_path / "f.csv"
    path.write_text(
        'record_id,full_name,address\r\n1,محمد,"شارع النيل, المعادي\r\nالقاهرة"\r\n2,علي,x\r\n',
        encoding="utf-8",
    )
    assert list(table_rows(path)) == [
        ["record_id", "full_name", "address"],
        ["1", "محمد", "شارع النيل, المعادي\r\nالقاهرة"],
        ["2", "علي", "x"],
    ]


@pytest.mark.parametrize("separator_line", ["", "sep=;\n"])
def test_a_quote_mark_left_open_over_rows_is_refused_naming_its_lines(tmp_path, separator_line):
    path = tmp_path / "f.csv"
    rows = ["a;b;c", "1;x;y", '2;"z;w', "3;u;v", "4;s;t", '5;q";r', "6;o;p"]
    path.write_text(separator_line + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(files.PersonFileError) as error:
        list(table_rows(path))
    offset = 1 if separator_line else 0
    assert error.value.reason == "quote"
    assert error.value.lines == (3 + offset, 6 + offset)


def test_a_quote_mark_closed_inside_the_next_row_is_refused(tmp_path):
    # The next row's own quoted cell closes it: that row would be lost inside the first.
    path = tmp_path / "f.csv"
    path.write_text(
        'id,name,phone,city\n1,x,0101,Cairo\n2,"Mona,0102,Giza\n3,"Ali, Jr",0103,Giza\n'
    )
    with pytest.raises(files.PersonFileError) as error:
        list(table_rows(path))
    assert error.value.lines == (3, 4)


def test_an_address_of_two_lines_in_a_narrow_file_is_read(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('national_id,address\r\n1,"Flat 3\r\nNasr City, Cairo"\r\n', encoding="utf-8")
    assert list(table_rows(path))[1] == ["1", "Flat 3\r\nNasr City, Cairo"]


def test_a_quote_mark_left_open_to_the_end_of_a_long_file_is_refused_naming_its_line(tmp_path):
    # The cell grows past the reader's limit on one cell (131,072 characters) before the file
    # ends; that is named as the quote mark it is, not as an unreadable file.
    path = tmp_path / "f.csv"
    lines = ["a,b,c", "1,x,y", '2,"z,w'] + [f"{n},name {n},1990-01-01" for n in range(3, 9000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(files.PersonFileError) as error:
        list(table_rows(path))
    assert error.value.reason == "quote"
    assert error.value.lines[0] == 3
    assert error.value.lines[1] > 3


def test_a_workbook_saved_with_a_password_is_named_as_such(tmp_path):
    # Excel keeps a workbook saved with a password in another container than an .xlsx.
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tmp_path / "plain.xlsx"
    workbook = Workbook()
    workbook.active.append(["record_id", "full_name"])
    workbook.save(plain)
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(files.PersonFileError) as error:
        list(table_rows(locked))
    assert error.value.reason == "password"


@pytest.mark.parametrize(
    "content",
    [
        "<html><body><table><tr><td>record_id</td></tr></table></body></html>",
        '\ufeff<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office">',
        "  <table border=1><tr><th>الاسم</th></tr></table>",
    ],
)
def test_a_web_page_or_xml_saved_as_xls_is_named_as_such(tmp_path, content):
    path = tmp_path / "export.xls"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(files.PersonFileError) as error:
        list(table_rows(path))
    assert error.value.reason == "markup"


def test_an_ods_file_standing_for_billions_of_cells_is_refused_before_it_is_expanded(tmp_path):
    # A few hundred bytes: one text cell repeated down a million rows and across the sheet.
    path = write_ods(tmp_path / "bomb.ods", ["name"], [["x"]])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["content.xml"] = parts["content.xml"].replace(
        b'<table:table-row><table:table-cell office:value-type="string"><text:p>x',
        b'<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        b'table:number-columns-repeated="16384" office:value-type="string"><text:p>x',
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert files.ods_sheet_areas(path)[0][1:] == (1048576, 16384)
    with pytest.raises(files.PersonFileError) as error:
        list(table_rows(path))
    assert error.value.reason == "expanded"
