# ruff: noqa: E501 (the pair tables are long)
"""The name pairs of the screening quality benchmark (at least 300), by kind.

Built from the entries of the fixture lists (``tests/fixtures/screening``) and from public
examples of how names vary: every alias and former name as listed; names written in another
script or another transliteration (hand-written); typing errors (three deterministic edits per
name: a letter dropped, two swapped, one replaced by its keyboard neighbour); words reordered
(reversed, or "SURNAME, Given"); legal forms dropped, changed or added; and look-alike names
that are not listed (a different given name with a listed surname, a listed word in another
company's name, well-known companies whose names resemble listed ones). A look-alike is a name
a careful person would not report as the listed entry: a listed name with one letter changed,
or a listed name inside a longer one ("Ali Hassan" in "Hassan Ali Khan"), is a typo or a
containment that must be flagged, not a look-alike. Positive pairs name the
entry they must find; look-alikes must find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compliance_app.screening.model import Entry
from compliance_app.screening.normalize import normalise
from compliance_app.screening.parsers.detect import parse_file

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "screening"
LISTS = ["us_csl_consolidated.json", "eu_fsf.xml", "uk_sanctions_list.csv", "un_consolidated.xml"]
KINDS = ("alias", "transliteration", "typo", "reordered", "legal_form", "look_alike")


@dataclass(frozen=True)
class Pair:
    kind: str
    query: str
    country: str
    expected: tuple[str, str] | None
    """``(list id, entry ref)`` that must be found, or None: nothing may be found."""


def fixture_lists() -> list[tuple[str, list[Entry]]]:
    out = []
    for name in LISTS:
        parsed = parse_file((FIX / name).read_bytes())
        out.append((parsed.list_id, parsed.entries))
    return out


# Another script or another transliteration of a listed name: (query, list, ref).
TRANSLITERATIONS = [
    ("Евгений Викторович Пригожин", "us_csl", "23421"),
    ("Евгений Пригожин", "us_csl", "23421"),
    ("Jewgeni Prigoschin", "us_csl", "23421"),
    ("Evgueni Prigojine", "us_csl", "23421"),
    ("Yevgeni Prigozhin", "us_csl", "23421"),
    ("Рособоронэкспорт", "us_csl", "10511"),
    ("Rosoboroneksport", "us_csl", "10511"),
    ("华为技术有限公司", "us_csl", "a1c2e3f40001"),
    ("华为", "us_csl", "a1c2e3f40001"),
    (
        "北京航空航天大学",
        "us_csl",
        "a1c2e3f40002",
    ),  # not matchable: a translation, not a transliteration
    ("中国航天科工集团有限公司", "us_csl", "a1c2e3f40011"),
    ("成都天鹰无人系统有限公司", "us_csl", "a1c2e3f40015"),
    ("Московский физико-технический институт", "us_csl", "a1c2e3f40012"),
    ("Moskovskiy fiziko-tekhnicheskiy institut", "us_csl", "a1c2e3f40012"),
    ("Новатэк", "us_csl", "16023"),
    ("ماهان ایر", "us_csl", "12345"),  # not matchable: Persian script without vowels
    ("Совкомфлот", "eu_fsf", "EU.7701.51"),
    ("ПАО «Совкомфлот»", "eu_fsf", "EU.7701.51"),
    ("Dmitrij Aleksandrowitsch Wolkow", "eu_fsf", "EU.9020.11"),
    ("Дмитрий Волков", "eu_fsf", "EU.9020.11"),
    ("Dmitry Alexandrovich Volkov", "eu_fsf", "EU.9020.11"),
    ("Kalashnikov Kontsern", "eu_fsf", "EU.6600.12"),
    ("Концерн «Калашников»", "eu_fsf", "EU.6600.12"),
    ("Уральская точная оптика", "eu_fsf", "EU.9120.77"),
    ("Νικόλαος Παπαδόπουλος", "eu_fsf", "EU.9300.20"),
    ("Nikolaos Papadopulos", "eu_fsf", "EU.9300.20"),
    ("Белорусское оптико-механическое объединение", "eu_fsf", "EU.5122.31"),
    ("Alireza Tavakkoli", "eu_fsf", "EU.8810.40"),
    ("علیرضا توکلی", "eu_fsf", "EU.8810.40"),  # not matchable: no script form listed
    ("张晓明", "eu_fsf", "EU.9400.60"),
    ("Zhang Hsiao-ming", "eu_fsf", "EU.9400.60"),
    ("Банк Россия", "uk_sl", "RUS0250"),
    ("Bank Rossija", "uk_sl", "RUS0250"),
    ("Сергей Иванович Козлов", "uk_sl", "RUS1500"),
    ("Sergej Iwanowitsch Koslow", "uk_sl", "RUS1500"),
    ("Королев Проспект", "uk_sl", "RUS2176"),
    ("علي حسن", "uk_sl", "SYR0300"),
    ("深圳京华电子有限公司", "uk_sl", "CHN0005"),
    ("Аляксандр Дуброўскі", "uk_sl", "BLR0100"),
    ("Aleksandr Dubrovskiy", "uk_sl", "BLR0100"),
    ("عبد الكريم حسن المصري", "un_sc", "QDi.900"),
    ("Abd al-Karim Hasan al-Misri", "un_sc", "QDi.900"),
    ("محمد عبد الله الحربي", "un_sc", "QDi.901"),
    ("Mohamed Abdallah Al Harbi", "un_sc", "QDi.901"),
    ("리원호", "un_sc", "KPi.033"),
    ("Ri Won Ho", "un_sc", "KPi.033"),
    ("حركة الشباب المجاهدين", "un_sc", "SOe.001"),
    ("Harakat ash-Shabab al-Mujahidin", "un_sc", "SOe.001"),
    ("Al Rashid Trust", "un_sc", "QDe.005"),
    ("Al-Rasheed Trust", "un_sc", "QDe.005"),
]

# Names that resemble listed ones but are other parties: (query, country).
LOOK_ALIKES = [
    ("Elena Timchenko", ""),
    ("Gennady Timchenko", ""),
    ("Yevgeniy Primakov", "RU"),
    ("Evgeny Kaspersky", "RU"),
    ("Rostelecom", "RU"),
    ("Rosatom", "RU"),
    ("Rosneft Deutschland GmbH", "DE"),
    ("Novatek Microelectronics Corp.", "TW"),
    ("Novartis AG", "CH"),
    ("Mahindra Aerospace", "IN"),
    ("Mahle GmbH", "DE"),
    ("Hualong Technologies", "CN"),
    ("Beijing Normal University", "CN"),
    ("Tianjin University", "CN"),
    ("Polaris Industries Inc.", "US"),
    ("Kestrel Aerospace Ltd", "GB"),
    ("Shahid Beheshti University", "IR"),
    ("China Aerospace Studies Institute", "US"),
    ("Moscow State University", "RU"),
    ("Sea Breeze Shipping", "GR"),
    ("Ocean Star Maritime", "GR"),
    ("Sovereign Shipping Ltd", "GB"),
    ("Dmitriy Sokolov", "RU"),
    ("Dmitri Volkonsky", "FR"),
    ("Kalevala Koru Oy", "FI"),
    ("Ural Airlines", "RU"),
    ("Nikolaos Pappas", "GR"),
    ("Georgios Papadakis", "GR"),
    ("Belarus Potash Company", "BY"),
    ("Alireza Mohammadi", "IR"),
    ("Shahed Pharmaceutical Company", "IR"),
    ("Zhang Xiaolong", "CN"),
    ("Li Xiaoming", "CN"),
    ("Société Minière de Bisunzu", "CD"),
    ("Jean-Baptiste Mukendi", "CD"),
    ("Russian Standard Bank", "RU"),
    ("Sergei Kozlovsky", "RU"),
    ("Sergei Ivanov", "RU"),
    ("Korolev Rocket and Space Corporation Energia", "RU"),
    ("Sinara Transport Machines", "RU"),
    ("Kaveh Pars Mining", "IR"),
    ("Ali Hussein Hamdan", "SY"),
    ("Hasan Alioglu", "TR"),
    ("Korea Electric Power Corporation", "KR"),
    ("Shenzhen Jingwei Electronics Co., Ltd.", "CN"),
    ("Aleksandr Dubov", "BY"),
    ("Carlos Eduardo Alvarado", "VE"),
    ("Al-Noor Hospital", "AE"),
    ("Rashid Trading LLC", "AE"),
    ("Abdul Karim Jamal", "EG"),
    ("Kumho Tire Co.", "KR"),
    ("Haji Murad Exchange", "AF"),
    ("Mohammed Abdullah Al-Harthy", "OM"),
    ("Al-Tajir Trading", "AE"),
    ("Emmanuel Nsengiyumva", "RW"),
    ("Harakat Al-Islah", "SO"),
    ("Airbus Defence and Space GmbH", "DE"),
    ("Thales Alenia Space", "FR"),
    ("OHB System AG", "DE"),
    ("LuxSpace Sàrl", "LU"),
]

LEGAL_FORMS = ["GmbH", "LLC", "S.à r.l.", "Ltd.", "Co., Ltd.", "JSC", "S.A.", "AG", "ООО", "Inc."]
NEIGHBOURS = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wertyuiopqsdfghjklaxcvbnmz", strict=True))
GIVEN = ["Pavel", "Olga", "Marco", "Anna", "Tomas", "Irina", "Karim", "Fatima", "Wei", "Hans"]


def _typos(name: str) -> list[str]:
    n = len(name)
    out = []
    i = n // 2
    out.append(name[:i] + name[i + 1 :])  # a letter dropped
    j = max(1, n // 3)
    if name[j].isalpha() and name[j + 1].isalpha():
        out.append(name[:j] + name[j + 1] + name[j] + name[j + 2 :])  # two letters swapped
    k = (2 * n) // 3
    c = name[k].lower()
    if c in NEIGHBOURS:
        out.append(name[:k] + NEIGHBOURS[c] + name[k + 1 :])  # keyboard neighbour
    return [t for t in out if t != name]


def _strip_form(name: str) -> str:
    """The name without a trailing or leading legal form, as written."""
    words = name.replace(",", " ").split()
    norm = normalise(name).text.split()
    if len(norm) == len(words):
        return name
    kept = [w for w in words if normalise(w).text in norm or not normalise(w).text]
    return " ".join(kept) or name


def build_pairs() -> list[Pair]:
    pairs: list[Pair] = []
    lists = fixture_lists()
    for list_id, entries in lists:
        for e in entries:
            country = e.countries[0] if e.countries else ""
            key = (list_id, e.ref)
            for n in e.names:
                if n.kind in ("alias", "former") and n.text.isascii():
                    pairs.append(Pair("alias", n.text, country, key))
            latin = [n.text for n in e.names if n.text.isascii() and n.kind != "weak_alias"]
            for name in latin[:2]:
                if len(normalise(name).joined) >= 8:
                    for t in _typos(name):
                        pairs.append(Pair("typo", t, "", key))
            primary = latin[0] if latin else ""
            words = primary.replace(",", " ").split()
            if len(words) >= 2:
                pairs.append(Pair("reordered", " ".join(reversed(words)), "", key))
                if e.kind == "person":
                    pairs.append(Pair("reordered", f"{words[-1]}, {' '.join(words[:-1])}", "", key))
                elif len(words) >= 3:
                    pairs.append(Pair("reordered", " ".join(words[1:] + words[:1]), "", key))
            if e.kind != "person" and primary:
                base = _strip_form(primary)
                for form in LEGAL_FORMS[len(pairs) % 3 :: 3]:
                    q = f"{form} {base}" if form == "ООО" else f"{base} {form}"
                    pairs.append(Pair("legal_form", q, country, key))
            if e.kind == "person" and len(words) >= 2:
                surname = words[0].rstrip(",") if "," in primary else words[-1]
                given = GIVEN[len(pairs) % len(GIVEN)]
                pairs.append(Pair("look_alike", f"{given} {surname.title()}", "", None))
    for q, list_id, ref in TRANSLITERATIONS:
        pairs.append(Pair("transliteration", q, "", (list_id, ref)))
    for q, country in LOOK_ALIKES:
        pairs.append(Pair("look_alike", q, country, None))
    return pairs
