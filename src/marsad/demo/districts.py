"""District (markaz / qism) names used by the demo data, a few per governorate.

The names are real places; the codes (`demo-GG-N`) are ours, so that importing official
district boundaries later (OCHA COD-AB P-codes) adds districts beside them rather than
silently re-using these. Keyed by the governorate's national-ID code.
"""

DEMO_DISTRICTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "01": (
        ("qism", "المطرية", "El Matareya"),
        ("qism", "منشأة ناصر", "Manshiyat Naser"),
        ("qism", "دار السلام", "Dar El Salam"),
        ("qism", "حلوان", "Helwan"),
    ),
    "02": (
        ("qism", "العامرية", "El Amreya"),
        ("qism", "المنتزه", "El Montaza"),
        ("qism", "برج العرب", "Borg El Arab"),
    ),
    "03": (("qism", "الضواحي", "El Dawahy"), ("qism", "الزهور", "El Zohour")),
    "04": (("qism", "الأربعين", "El Arbaeen"), ("qism", "فيصل", "Faisal")),
    "11": (("markaz", "فارسكور", "Faraskour"), ("markaz", "كفر سعد", "Kafr Saad")),
    "12": (
        ("markaz", "المنصورة", "Mansoura"),
        ("markaz", "ميت غمر", "Mit Ghamr"),
        ("markaz", "المنزلة", "El Manzala"),
    ),
    "13": (
        ("markaz", "الزقازيق", "Zagazig"),
        ("markaz", "بلبيس", "Belbeis"),
        ("markaz", "فاقوس", "Faqous"),
    ),
    "14": (
        ("markaz", "بنها", "Banha"),
        ("markaz", "شبين القناطر", "Shibin El Qanater"),
        ("markaz", "طوخ", "Tukh"),
    ),
    "15": (
        ("markaz", "كفر الشيخ", "Kafr El Sheikh"),
        ("markaz", "دسوق", "Desouk"),
        ("markaz", "سيدي سالم", "Sidi Salem"),
    ),
    "16": (
        ("markaz", "طنطا", "Tanta"),
        ("markaz", "المحلة الكبرى", "El Mahalla El Kubra"),
        ("markaz", "زفتى", "Zefta"),
    ),
    "17": (
        ("markaz", "شبين الكوم", "Shebin El Kom"),
        ("markaz", "منوف", "Menouf"),
        ("markaz", "أشمون", "Ashmoun"),
    ),
    "18": (
        ("markaz", "دمنهور", "Damanhour"),
        ("markaz", "كفر الدوار", "Kafr El Dawwar"),
        ("markaz", "أبو حمص", "Abu Hummus"),
    ),
    "19": (
        ("markaz", "التل الكبير", "El Tal El Kabir"),
        ("markaz", "القنطرة غرب", "El Qantara Gharb"),
    ),
    "21": (
        ("markaz", "العياط", "El Ayat"),
        ("markaz", "الصف", "El Saf"),
        ("markaz", "أطفيح", "Atfih"),
        ("qism", "بولاق الدكرور", "Bulaq El Dakrour"),
    ),
    "22": (
        ("markaz", "الواسطى", "El Wasta"),
        ("markaz", "ببا", "Beba"),
        ("markaz", "الفشن", "El Fashn"),
    ),
    "23": (
        ("markaz", "إطسا", "Itsa"),
        ("markaz", "سنورس", "Sinnuris"),
        ("markaz", "يوسف الصديق", "Youssef El Seddik"),
    ),
    "24": (
        ("markaz", "ملوي", "Mallawi"),
        ("markaz", "سمالوط", "Samalut"),
        ("markaz", "مطاي", "Matai"),
        ("markaz", "ديرمواس", "Deir Mawas"),
    ),
    "25": (
        ("markaz", "ديروط", "Dayrout"),
        ("markaz", "القوصية", "El Qusiya"),
        ("markaz", "أبنوب", "Abnoub"),
        ("markaz", "ساحل سليم", "Sahel Selim"),
    ),
    "26": (
        ("markaz", "جرجا", "Girga"),
        ("markaz", "طهطا", "Tahta"),
        ("markaz", "البلينا", "El Balyana"),
        ("markaz", "دار السلام", "Dar El Salam"),
    ),
    "27": (
        ("markaz", "نجع حمادي", "Nag Hammadi"),
        ("markaz", "أبو تشت", "Abu Tesht"),
        ("markaz", "قوص", "Qus"),
    ),
    "28": (
        ("markaz", "كوم أمبو", "Kom Ombo"),
        ("markaz", "إدفو", "Edfu"),
        ("markaz", "نصر النوبة", "Nasr El Nuba"),
    ),
    "29": (("markaz", "إسنا", "Esna"), ("markaz", "أرمنت", "Armant")),
    "31": (("qism", "الغردقة", "Hurghada"), ("markaz", "القصير", "El Quseir")),
    "32": (("markaz", "الخارجة", "El Kharga"), ("markaz", "الداخلة", "El Dakhla")),
    "33": (("markaz", "مرسى مطروح", "Marsa Matrouh"), ("markaz", "سيوة", "Siwa")),
    "34": (("markaz", "العريش", "El Arish"), ("markaz", "بئر العبد", "Bir El Abd")),
    "35": (("markaz", "الطور", "El Tor"), ("markaz", "سانت كاترين", "Saint Catherine")),
}
