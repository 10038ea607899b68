import pytest

from marsad.engines.arabic import name_tokens
from marsad.engines.translit import is_latin, latin_name_tokens, skeleton


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("Mohamed", "محمد"),
        ("Mohammed", "محمد"),
        ("Muhammad", "محمد"),
        ("Ahmed", "أحمد"),
        ("Mostafa", "مصطفى"),
        ("Moustafa", "مصطفي"),
        ("Ibrahim", "إبراهيم"),
        ("Youssef", "يوسف"),
        ("Omar", "عمر"),
        ("Khaled", "خالد"),
        ("Tarek", "طارق"),
        ("Tariq", "طارق"),
        ("Hussein", "حسين"),
        ("Aly", "علي"),
        ("Fatma", "فاطمة"),
        ("Fatmah", "فاطمه"),
        ("Mariam", "مريم"),
        ("Zeinab", "زينب"),
        ("Shaimaa", "شيماء"),
        ("Asmaa", "أسماء"),
        ("Eman", "إيمان"),
        ("Yasmin", "ياسمين"),
        ("Amr", "عمرو"),
        ("Abdel Rahman", "عبد الرحمن"),
        ("Abd El-Rahman", "عبدالرحمن"),
        ("Abdallah", "عبد الله"),
        ("El-Sayed", "السيد"),
        ("El Shafei", "الشافعي"),
        ("Nour El Din", "نور الدين"),
        ("Gamal", "جمال"),
        ("Ashraf", "أشرف"),
    ],
)
def test_latin_spellings_share_the_arabic_skeleton(latin, arabic):
    latin_tokens = latin_name_tokens(latin)
    arabic_tokens = name_tokens(arabic)
    assert len(latin_tokens) == len(arabic_tokens) == 1
    assert skeleton(latin_tokens[0]) == skeleton(arabic_tokens[0])


@pytest.mark.parametrize(("a", "b"), [("محمد", "أحمد"), ("علي", "عمر"), ("Hassan", "Ali")])
def test_different_names_have_different_skeletons(a, b):
    assert skeleton(name_tokens(a)[0]) != skeleton(name_tokens(b)[0])


def test_script_detection():
    assert is_latin("Mohamed Ali")
    assert not is_latin("محمد Ali أحمد")
    assert skeleton("") == ""
