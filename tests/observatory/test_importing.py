"""Importing indicator values: plain or HXL headers, all rows or none, blanks stay missing."""

import pytest
from openpyxl import Workbook

from marsad.core.errors import ApplicationError
from marsad.geo.models import District, Governorate
from marsad.observatory.errors import ObservatoryError
from marsad.observatory.importing import indicator_values_import, parse_year
from marsad.observatory.models import Indicator, IndicatorValue, Level

pytestmark = pytest.mark.django_db


def write_csv(tmp_path, text, name="values.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored(code, governorate):
    return list(
        IndicatorValue.objects.filter(
            indicator__code=code, governorate__code=governorate
        ).values_list("year", "value", "source")
    )


def test_hxl_hashtags_under_human_headers(tmp_path):
    # given: the HXL row is the second row, columns in an unusual order
    path = write_csv(
        tmp_path,
        "Governorate,Indicator,Value,Year,Source\n"
        "#adm1+name,#indicator+code,#indicator+value+num,#date+year,#meta+source\n"
        "Giza,poverty_rate,27.9,2019/20,HIECS 2019/20 report\n"
        "الجيزة,unemployment_rate,٨٫٥,2017,LFS 2017\n"
        "Minya,poverty_rate,,2019/20,HIECS 2019/20 report\n",
    )
    # when
    result = indicator_values_import(path=path)
    # then: Arabic names and digits read; the empty value is skipped, not stored as zero
    assert (result.created, result.updated, result.skipped_blank) == (2, 0, 1)
    assert stored("poverty_rate", "21") == [("2019/20", 27.9, "HIECS 2019/20 report")]
    assert stored("unemployment_rate", "21") == [("2017", 8.5, "LFS 2017")]
    assert not IndicatorValue.objects.filter(
        indicator__code="poverty_rate", governorate__code="24", year="2019/20"
    ).exists()


def test_hxl_hashtags_as_the_first_row_with_codes_in_an_xlsx(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["#adm1+code", "#indicator+code", "#date+year", "#indicator+value"])
    sheet.append(["EG24", "hdi_subnational", 2022, 0.701])
    path = tmp_path / "hdi.xlsx"
    workbook.save(path)
    # when
    indicator_values_import(path=path, default_source="Global Data Lab 2022")
    # then
    assert stored("hdi_subnational", "24")[-1] == ("2022", 0.701, "Global Data Lab 2022")


def test_plain_headers_replace_a_value_of_the_same_year(tmp_path):
    path = write_csv(
        tmp_path,
        "indicator,governorate,year,value,source\npoverty_rate,25,2017/2018,66.8,corrected\n",
    )
    result = indicator_values_import(path=path)
    assert (result.created, result.updated) == (0, 1)
    assert ("2017/18", 66.8, "corrected") in stored("poverty_rate", "25")


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path):
    # given
    before = list(IndicatorValue.objects.order_by("pk").values_list("pk", "value"))
    path = write_csv(
        tmp_path,
        "indicator,governorate,year,value,source\n"
        "poverty_rate,21,2019/20,27.9,ok row\n"
        "no_such_indicator,21,2019,1,x\n"
        "poverty_rate,Atlantis,2019,1,x\n"
        "poverty_rate,22,twenty,1,x\n"
        "poverty_rate,23,2019,many,x\n"
        "poverty_rate,24,2019,5,\n"
        "poverty_rate,21,2019/20,28,duplicate of line 2\n",
    )
    # when
    with pytest.raises(ApplicationError) as caught:
        indicator_values_import(path=path)
    # then
    error = caught.value
    assert error.code == ObservatoryError.INVALID_ROWS
    problems = [(p.line, p.field) for p in error.extra["problems"]]
    assert problems == [
        (3, "indicator"),
        (4, "governorate"),
        (5, "year"),
        (6, "value"),
        (7, "source"),
        (8, "year"),
    ]
    assert list(IndicatorValue.objects.order_by("pk").values_list("pk", "value")) == before


def test_a_file_without_the_needed_columns_is_refused(tmp_path):
    path = write_csv(tmp_path, "name,number\nx,1\n")
    with pytest.raises(ApplicationError) as caught:
        indicator_values_import(path=path)
    assert caught.value.code == ObservatoryError.MISSING_COLUMNS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017", ("2017", 2017)),
        ("2017/18", ("2017/18", 2017)),
        ("2017/2018", ("2017/18", 2017)),
        ("2019-20", ("2019/20", 2019)),
        ("٢٠١٧", ("2017", 2017)),
        ("2017/19", None),
        ("last year", None),
    ],
)
def test_years(text, expected):
    assert parse_year(text) == expected


def test_a_percentage_with_the_arabic_percent_sign_is_read(tmp_path):
    # given: an Arabic sheet writes the rate with Arabic-Indic digits and the sign ٪
    path = write_csv(
        tmp_path,
        "المؤشر,المحافظة,السنة,القيمة,المصدر\n"
        "poverty_rate,الجيزة,٢٠١٩/٢٠,٢٧٫٩٪,بحث الدخل والإنفاق\n",
    )
    # when
    indicator_values_import(path=path)
    # then
    assert stored("poverty_rate", "21") == [("2019/20", 27.9, "بحث الدخل والإنفاق")]


def test_a_percentage_cell_of_a_workbook_is_not_read_as_a_fraction_of_a_percent(tmp_path):
    # given: the sheet shows 27.9% and 8.5%; the workbook stores 0.279 and 0.085
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "governorate", "year", "value", "source"])
    sheet.append(["poverty_rate", "21", "2019/20", 0.279, "HIECS 2019/20"])
    sheet.append(["unemployment_rate", "21", "2017", 0.085, "LFS 2017"])
    for cell in ("D2", "D3"):
        sheet[cell].number_format = "0.0%"
    path = tmp_path / "rates.xlsx"
    workbook.save(path)
    # when
    with pytest.raises(ApplicationError) as caught:
        indicator_values_import(path=path)
    # then: refused, with the line and field of each, rather than stored as 0.279 %
    assert [(p.line, p.field) for p in caught.value.extra["problems"]] == [
        (2, "value"),
        (3, "value"),
    ]
    assert not stored("poverty_rate", "21")


def test_a_share_or_an_index_between_0_and_1_is_kept_as_written(tmp_path):
    # given: an HDI (not a percentage) and a small rate written with its sign
    path = write_csv(
        tmp_path,
        "indicator,governorate,year,value,source\n"
        "hdi_subnational,21,2022,0.702,GDL\n"
        "unemployment_rate,21,2017,0.8%,LFS\n",
    )
    # when
    indicator_values_import(path=path)
    # then
    assert stored("hdi_subnational", "21")[-1] == ("2022", 0.702, "GDL")
    assert stored("unemployment_rate", "21") == [("2017", 0.8, "LFS")]


@pytest.fixture
def two_matareyas():
    """El Matareya is a qism of Cairo and a markaz of Dakahlia: one name, two districts."""
    Indicator.objects.create(
        code="illiteracy_district",
        name_ar="نسبة الأمية حسب المركز",
        name_en="Illiteracy by district",
        unit_en="% of population aged 10+",
        level=Level.DISTRICT,
    )
    return {
        code: District.objects.create(
            governorate=Governorate.objects.get(code=code),
            code=f"EG{code}99",
            name_ar="المطرية",
            name_en="El Matareya",
        )
        for code in ("01", "12")
    }


def district_values(district):
    return list(IndicatorValue.objects.filter(district=district).values_list("year", "value"))


def test_a_district_name_is_looked_up_in_the_governorate_given_on_its_row(tmp_path, two_matareyas):
    # given
    path = write_csv(
        tmp_path,
        "indicator,governorate,district_name,year,value,source\n"
        "illiteracy_district,الدقهلية,المطرية,2017,31.2,census 2017\n"
        "illiteracy_district,Cairo,El Matareya,2017,18.4,census 2017\n",
    )
    # when
    indicator_values_import(path=path)
    # then
    assert district_values(two_matareyas["12"]) == [("2017", 31.2)]
    assert district_values(two_matareyas["01"]) == [("2017", 18.4)]


def test_a_district_name_found_in_two_governorates_is_not_guessed(tmp_path, two_matareyas):
    path = write_csv(
        tmp_path,
        "indicator,district_name,year,value,source\n"
        "illiteracy_district,المطرية,2017,31.2,census 2017\n"
        "illiteracy_district,EG1299,2017,31.2,census 2017\n",
    )
    with pytest.raises(ApplicationError) as caught:
        indicator_values_import(path=path)
    assert [(p.line, p.field) for p in caught.value.extra["problems"]] == [(2, "district")]
    assert not IndicatorValue.objects.filter(district__isnull=False).exists()
