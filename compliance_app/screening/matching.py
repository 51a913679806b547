"""The name matcher: an in-memory index of every listed name and a scored, explained search.

Scores are 0-100. A name pair is compared, after :func:`~.normalize.normalise` (case, accents,
punctuation, transliteration, legal forms), by:

* the words aligned one by one, in any order, each to its closest word on the other side; words
  are close when they differ by at most the typing errors tolerated for their length (none up
  to 3 letters, 1 up to 8, 2 up to 16, 3 beyond; a swap of two letters is one error), each
  error costing 6 points; the score is the length-weighted mean, and at most the worst word
  plus 15 (so one wrong word, "Elena" for "Gennady", is no hit);
* for names split into a different number of words, the letters with the spaces removed, in
  order or sorted ("Al Rashid" / "Alrashid", "Hua Wei" / "Huawei"), with one typing error at
  most;
* one name containing the other whole ("Huawei" in "Huawei Technologies", or in "Hua Wei Ji
  Shu" written with other spacing), when the shared words are not generic ("trading",
  "group", ...): at least 85, more the more of it is covered;
* the same after folding transliteration variants (:func:`~.normalize.skeleton`: Yevgeniy /
  Evgenii, Khodorkovsky / Hodorkovsky), 3 points less;
* for a name written in Arabic or Hebrew script, its consonants (the script does not write
  short vowels), 5 points less.

The best of these is the name score. A weak alias (as the list marks it) costs 5 points. The
country of the party is a supporting signal only: +3 when the entry names it, -5 when the entry
names other countries and not this one. The best name of each entry gives the entry's score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from compliance_app.screening.model import Entry, Name
from compliance_app.screening.normalize import Normalised, consonants, normalise, skeleton

DEFAULT_THRESHOLD = 85.0
"""Score from which a listed name is reported as a hit (chosen with the benchmark, see
``docs/benchmarks.md``)."""
GENERIC_WORDS = frozenset(
    "trading trade group holding holdings international industries industry industrial company "
    "technology technologies tech bank general services service import export imports exports "
    "global national state enterprise enterprises corporation development investment "
    "investments engineering shipping logistics energy systems solutions research institute "
    "university center centre science scientific production factory plant the of and for de "
    "la le du des der und et y i".split()
)


@dataclass(frozen=True)
class Indexed:
    list_id: str
    entry: Entry
    name: Name
    norm: Normalised
    skel: str


@dataclass(frozen=True)
class Match:
    """The best name of one entry for a query."""

    list_id: str
    entry: Entry
    name: Name
    score: float
    explanation: str


def allowed_edits(length: int) -> int:
    """Typing errors tolerated in a word or name of ``length`` letters: none up to 3 letters
    (but see :func:`close`), 1 up to 8, 2 up to 16, 3 beyond."""
    return 0 if length <= 3 else 1 if length <= 8 else 2 if length <= 16 else 3


def close(a: str, b: str, max_edits: int = 3) -> float:
    """How close two words (or names written without spaces) are, 0-100.

    Within the tolerated number of typing errors (:func:`allowed_edits`; a swap of two letters
    is one error): 100 less 6 per error; one error in a word of 3 letters: 85. Beyond it, 80 %
    of their similarity ratio, which never reaches a hit: "Kozlovsky" is not "Kozlov",
    "Hualong" is not "Huawei".
    """
    if a == b:
        return 100.0
    d = OSA.distance(a, b)
    longest = max(len(a), len(b))
    if d <= min(allowed_edits(longest), max_edits):
        return 100.0 - 6 * d
    if longest == 3 and d == 1 and max_edits:  # "Mahan Sir" for "Mahan Air": costs more
        return 85.0
    return fuzz.ratio(a, b) * 0.8


def _align(a: list[str], b: list[str]) -> tuple[float, float]:
    """Each word of ``a`` to its closest word of ``b``: the mean weighted by word length, and
    the worst word."""
    if not a or not b:
        return 0.0, 0.0
    best = [max(close(w, v) for v in b) for w in a]
    total = sum(len(w) for w in a)
    return sum(len(w) * s for w, s in zip(a, best, strict=True)) / total, min(best)


def _contained(a: list[str], b: list[str], worst: float) -> float:
    """Score when every word of the shorter name ``a`` is (within typing errors) in ``b``."""
    if worst < 88 or len(a) >= len(b):
        return 0.0
    if not [w for w in a if len(w) >= 4 and w not in GENERIC_WORDS]:
        return 0.0
    coverage = sum(len(w) for w in a) / max(sum(len(w) for w in b), 1)
    return worst * (0.85 + 0.15 * coverage)


def _spaced(a: list[str], b: list[str]) -> float:
    """Score when ``b`` is written inside ``a`` with other spacing: its letters are those of
    consecutive words of ``a`` ("hua wei ji shu" holds "huawei"); 0 when not."""
    target = "".join(b)
    if len(target) < 5 or len(b) >= len(a) or all(w in GENERIC_WORDS for w in b):
        return 0.0
    for i in range(len(a)):
        joined = ""
        for w in a[i:]:
            joined += w
            if joined == target:
                return 100 * (0.85 + 0.15 * len(target) / max(len("".join(a)), 1))
            if len(joined) >= len(target):
                break
    return 0.0


def _compare(q: list[str], c: list[str]) -> tuple[float, str]:
    """Best comparison of two word lists and what it was."""
    if not q or not c:
        return 0.0, ""
    if q == c:
        return 100.0, "same words"
    if sorted(q) == sorted(c):
        return 100.0, "same words in another order"
    (fwd, fwd_worst), (rev, rev_worst) = _align(q, c), _align(c, q)
    best = [(min(fwd, rev, fwd_worst + 15, rev_worst + 15), "each word close to a listed word")]
    if len(q) != len(c):  # written with other spacing: the letters, one typing error at most
        best.append((close("".join(q), "".join(c), 1), "same letters, other spacing"))
        best.append(
            (
                close("".join(sorted(q)), "".join(sorted(c)), 1),
                "same letters, other order and spacing",
            )
        )
    best += [
        (_contained(q, c, fwd_worst), "the name is part of the listed name"),
        (_contained(c, q, rev_worst), "the listed name is part of the name"),
        (_spaced(q, c), "the listed name is part of the name, with other spacing"),
        (_spaced(c, q), "the name is part of the listed name, with other spacing"),
    ]
    return max(best)


def score_names(query: Normalised, q_skel: str, cand: Normalised, c_skel: str) -> tuple[float, str]:
    """Name score 0-100 and how it was reached (see the module docstring)."""
    score, how = _compare(query.tokens, cand.tokens)
    if score < 100:
        s2, how2 = _compare(q_skel.split(), c_skel.split())
        if s2 - 3 > score:
            score, how = s2 - 3, f"{how2}, after folding transliteration variants"
        if query.rtl or cand.rtl:
            s3 = close(consonants(query.joined), consonants(cand.joined)) - 5
            if s3 > score:
                score, how = s3, "same consonants (a script that writes no short vowels)"
    return max(score, 0.0), how


class Index:
    """Every name of the given entries, normalised once, searchable by :meth:`search`.

    Candidates for the full comparison come from three cheap filters: names sharing a word
    (or a folded word) with the query, ranked by RapidFuzz's ``token_set_ratio``; and the names
    closest to the query by ``ratio`` on the sorted words, the folded sorted words and the
    letters without spaces.
    """

    COMMON = 1500
    """A word found in more names than this (a very common given name) only counts through
    the ranked filters."""
    PER_FILTER = 30

    def __init__(self, lists: Iterable[tuple[str, Iterable[Entry]]]) -> None:
        self.items: list[Indexed] = []
        for list_id, entries in lists:
            for entry in entries:
                for name in entry.names:
                    norm = normalise(name.text)
                    if norm.text:
                        self.items.append(Indexed(list_id, entry, name, norm, skeleton(norm.text)))
        self._keys = [" ".join(sorted(i.norm.tokens)) for i in self.items]
        self._skels = [" ".join(sorted(i.skel.split())) for i in self.items]
        self._joined = [i.norm.joined for i in self.items]
        self._words: dict[str, list[int]] = {}
        for n, item in enumerate(self.items):
            for w in {*item.norm.tokens, *item.skel.split()}:
                self._words.setdefault(w, []).append(n)
        self._cons: list[str] | None = None  # built on the first query in Arabic or Hebrew

    def __len__(self) -> int:
        return len(self.items)

    def _candidates(self, q: Normalised, q_skel: str, cutoff: float) -> set[int]:
        found: set[int] = set()
        key = " ".join(sorted(q.tokens))
        skel = " ".join(sorted(q_skel.split()))
        shared: set[int] = set()
        for w in {*q.tokens, *q_skel.split()}:
            ids = self._words.get(w, ())
            if len(ids) <= self.COMMON:
                shared.update(ids)
        if shared:
            subset = {i: self._keys[i] for i in shared}
            for _c, _s, i in process.extract(
                key, subset, scorer=fuzz.token_set_ratio, limit=self.PER_FILTER
            ):
                found.add(i)
        for query, choices in ((key, self._keys), (skel, self._skels), (q.joined, self._joined)):
            for _c, _s, i in process.extract(
                query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=self.PER_FILTER
            ):
                found.add(i)
        if q.rtl:  # a script without short vowels: compare the consonants of every name
            if self._cons is None:
                self._cons = [consonants(i.norm.joined) for i in self.items]
            for _c, _s, i in process.extract(
                consonants(q.joined), self._cons, scorer=fuzz.ratio, score_cutoff=cutoff,
                limit=self.PER_FILTER,
            ):  # fmt: skip
                found.add(i)
        return found

    def search(
        self, name: str, country: str = "", threshold: float = DEFAULT_THRESHOLD
    ) -> tuple[Normalised, list[Match]]:
        """The normalised query and every entry scoring at least ``threshold``, best first."""
        q = normalise(name)
        if not q.text or not self.items:
            return q, []
        q_skel = skeleton(q.text)
        best: dict[tuple[str, str], Match] = {}
        for i in self._candidates(q, q_skel, max(threshold - 15, 50)):
            item = self.items[i]
            score, how = score_names(q, q_skel, item.norm, item.skel)
            notes = [f"{how} ({score:.0f})"]
            if item.name.kind == "weak_alias":
                score -= 5
                notes.append("weak alias on the list (-5)")
            score, note = _country(score, country, item.entry.countries)
            if note:
                notes.append(note)
            score = round(min(max(score, 0.0), 100.0), 1)
            if score < threshold:
                continue
            key = (item.list_id, item.entry.ref)
            if key in best and best[key].score >= score:
                continue
            steps = ", ".join(sorted(set(q.steps) | set(item.norm.steps))) or "none"
            explanation = (
                f'matched the {_KIND_TEXT[item.name.kind]} "{item.name.text}"; compared as '
                f'"{q.text}" / "{item.norm.text}" after: {steps}; ' + "; ".join(notes)
            )
            best[key] = Match(item.list_id, item.entry, item.name, score, explanation)
        return q, sorted(best.values(), key=lambda m: (-m.score, m.list_id, m.entry.ref))


_KIND_TEXT = {
    "primary": "listed name",
    "alias": "alias",
    "weak_alias": "weak alias",
    "former": "former name",
    "original_script": "name in the original script",
}


def _country(score: float, country: str, countries: list[str]) -> tuple[float, str]:
    if not country or not countries:
        return score, ""
    if country in countries:
        return score + 3, f"country {country} is named in the entry (+3)"
    return score - 5, f"the entry names {', '.join(countries[:5])}, not {country} (-5)"
