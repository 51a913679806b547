"""Names made comparable: case, accents, punctuation, scripts, legal forms.

:func:`normalise` turns a name into lower-case ASCII words (anyascii transliterates Cyrillic,
Greek, Arabic, Chinese and the rest to Latin letters), drops legal forms (GmbH, S.à r.l., LLC,
ООО, 有限公司, ...) and says which of these steps changed something, for the explanation of a
hit. :func:`skeleton` folds the spellings that transliteration systems disagree on (Evgeniy /
Yevgeny, Mohammed / Muhammad, oy / ou), and :func:`consonants` keeps the consonants only, for
names written in Arabic or Hebrew script, whose vowels are not written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

# Legal forms, written as they read after normalisation (lower case, no punctuation, one space).
# Multi-word forms first; a form is only dropped as whole words, and never when it is the
# whole name.
_LEGAL_FORMS = """
gmbh co kg | gmbh und co kg | gmbh & co kg | co kg | gmbh | mbh | ag | kg | ohg | ug | ev | kgaa
s a r l | sarl | s a | sa | sas | sasu | sca | scs | snc | sci | eurl | sprl | scrl | srl | bvba
s p a | spa | s r l | s a s | s p a | sapa | societa per azioni
bv | nv | b v | n v | vof | cv
ltd | limited | llc | l l c | llp | lp | plc | inc | incorporated | corp | corporation
co | company | co ltd | company limited | pte | pty | pvt | private limited | public limited company
ab | oy | oyj | as | asa | aps | a s | hf | ehf
sl | slu | sau | s l | s l u | sa de cv | s de rl | ltda | lda | sarl au
sp z o o | spzoo | sp k | sa w | s r o | sro | a s | k s | v o s | kft | zrt | nyrt | bt
doo | d o o
ad | ead | ood | eood | srl | sc | ooo | oao | zao | pao | ao | tov | pat | prat | dat | ip | chp
jsc | ojsc | cjsc | pjsc | ojscs | fze | fzco | fzc | fzllc | dmcc | llc fz | wll | w l l | spc
bhd | sdn bhd | berhad | sdn | tbk | pt | jsc ltd | joint stock company | open joint stock company
closed joint stock company | public joint stock company | limited liability company
obshchestvo s ogranichennoi otvetstvennostiu | obshchestvo s ogranichennoy otvetstvennostyu
aktsionernoe obshchestvo | aktsionernoye obshchestvo | publichnoe aktsionernoe obshchestvo
zakrytoe aktsionernoe obshchestvo | otkrytoe aktsionernoe obshchestvo
kabushiki kaisha | kk | yugen kaisha | godo kaisha | chusik hoesa | co ltd
"""
LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        {tuple(f.split()) for f in _LEGAL_FORMS.replace("\n", "|").split("|") if f.split()},
        key=len,
        reverse=True,
    )
)
# Legal forms in their own script, dropped before transliteration (anyascii writes Chinese as
# one word, so 有限公司 could not be found as a word afterwards).
_SCRIPT_FORMS = re.compile(
    "(股份有限公司|有限责任公司|有限責任公司|有限公司|株式会社|有限会社|合同会社|주식회사|"
    r"\bООО\b|\bОАО\b|\bЗАО\b|\bПАО\b|\bАО\b|\bТОВ\b|\bПАТ\b|\bПрАТ\b|"
    "Общество с ограниченной ответственностью|Акционерное общество|"
    "Публичное акционерное общество|Закрытое акционерное общество|Открытое акционерное общество)",
    re.IGNORECASE,
)
SMALL_WORDS = frozenset({"of", "and", "the", "for", "und", "et"})
"""Words dropped from names ("Institute of Physics and Technology"), unless nothing else is left."""
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_CJK = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class Normalised:
    """A name as the matcher compares it."""

    original: str
    text: str
    """Lower-case ASCII words separated by one space, legal forms dropped."""
    steps: tuple[str, ...]
    """What changed the name, in words: "case", "accents", "punctuation",
    "transliteration", "small words", "legal form"."""
    rtl: bool = False
    """Written (partly) in Arabic or Hebrew script: vowels may be missing."""

    @property
    def tokens(self) -> list[str]:
        return self.text.split()

    @property
    def joined(self) -> str:
        return self.text.replace(" ", "")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_FORMS_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _form in LEGAL_FORMS:  # longest first within each list
    _FORMS_BY_FIRST.setdefault(_form[0], []).append(_form)


def _drop_legal_forms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for form in _FORMS_BY_FIRST.get(tokens[i], ()):
            n = len(form)
            if tuple(tokens[i : i + n]) == form:
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=200_000)
def normalise(name: str) -> Normalised:
    """The comparable form of ``name`` and the steps that changed it.

    Examples: ``"Société Générale S.à r.l."`` -> ``"societe generale"`` (accents, punctuation,
    legal form); ``"ООО Ромашка"`` -> ``"romashka"`` (legal form, transliteration);
    ``"华为技术有限公司"`` -> ``"hua wei ji shu"``. A name that is only a legal form keeps it.
    """
    steps: list[str] = []
    text = unicodedata.normalize("NFKC", name)
    rtl = bool(_RTL.search(text))
    stripped = _SCRIPT_FORMS.sub(" ", text)
    if stripped.strip() and stripped != text:
        steps.append("legal form")
        text = stripped
    no_accents = _strip_accents(text)
    if no_accents != text:
        steps.append("accents")
    if _CJK.search(no_accents):
        # anyascii writes each Chinese, Japanese or Korean syllable capitalised and unspaced
        no_accents = " ".join(_CAMEL.sub(" ", anyascii(ch)) for ch in no_accents.split())
    ascii_text = anyascii(no_accents)
    if ascii_text != no_accents or _CJK.search(text):
        steps.append("transliteration")
    ascii_text = _CAMEL.sub(" ", ascii_text) if _CJK.search(text) else ascii_text
    lower = ascii_text.lower()
    if lower != ascii_text and "case" not in steps:
        steps.insert(0, "case")
    words = _NON_WORD.sub(" ", lower.replace("&", " ").replace("'", "").replace("`", ""))
    if " ".join(words.split()) != " ".join(lower.split()):
        steps.append("punctuation")
    tokens = words.split()
    small = [t for t in tokens if t not in SMALL_WORDS]
    if small and len(small) < len(tokens):
        steps.append("small words")
        tokens = small
    kept = _drop_legal_forms(tokens)
    if kept and len(kept) < len(tokens):
        if "legal form" not in steps:
            steps.append("legal form")
        tokens = kept
    return Normalised(name, " ".join(_join_initials(tokens)), tuple(steps), rtl)


def _join_initials(tokens: list[str]) -> list[str]:
    """Runs of single letters are one abbreviation: "i b m" (from I.B.M.) -> "ibm"."""
    out: list[str] = []
    run: list[str] = []
    for t in [*tokens, ""]:
        if len(t) == 1 and t.isalpha():
            run.append(t)
            continue
        if run:
            out.append("".join(run))
            run = []
        if t:
            out.append(t)
    return out


# Spellings that transliteration systems disagree on, folded to one form. Applied to whole
# normalised names (words separated by spaces), in this order.
_SKELETON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"\bj(?=[aeiou])", "y"),  # German and Polish: Jewgeni / Yevgeny
        (r"\by(?=[aeiou])", ""),  # Yevgeny / Evgeny, Yuri / Uri
        (r"(iy|ii|yi|ij|yy|ey|ej|ei|y)\b", "i"),  # Evgeniy / Evgenii / Evgeny, Sergey / Sergej
        (r"(?<=[aeiou])y(?=[aeiou])", "i"),  # Dostoyevsky / Dostoievski
        (r"kh", "h"),  # Khodorkovsky / Hodorkovsky
        (r"dzh|zh|dj", "j"),
        (r"shch|sch|sh", "s"),
        (r"tsch|tch|ch", "c"),
        (r"tz|ts|cz", "c"),
        (r"ou|oy|oo|uu", "u"),  # Greek ου -> oy; Papadopoulos
        (r"w", "v"),  # German and Polish: Wolkow / Volkov
        (r"ph", "f"),
        (r"ck|q", "k"),
        (r"([a-z])\1+", r"\1"),  # doubled letters: Muhammad / Muhamad
        (r"\b(al|el|ul|ad|as|ash|ar|an|az)\b", ""),  # the article: al-Rashid / Rashid
    )
)


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """A normalised name with transliteration variants folded (Yevgeniy -> ivgini, Evgeni ->
    ivgini; Mohammed -> muhamid, Muhammad -> muhamad)."""
    for pattern, repl in _SKELETON_RULES:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


_VOWELS = re.compile(r"[aeiouy]")


def consonants(text: str) -> str:
    """The consonants of a normalised name (Arabic script writes no short vowels)."""
    out = []
    for word in text.split():
        kept = _VOWELS.sub("", word[1:])
        out.append((word[0] if word[0] not in "aeiouy" else "") + kept)
    return " ".join(w for w in out if w)
