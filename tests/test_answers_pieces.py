"""``dump(a, pieces)`` (the wizard's Save button: each answer serialised once, reused while it
is unchanged) writes exactly the bytes of ``dump(a)``, for any answers, in any sequence."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_app.dossier.answers import AnswersFile, Company, RulesetRef, dump, parse
from compliance_app.dossier.answers_layout import to_layout

ROOT = Path(__file__).resolve().parent.parent
AWKWARD = [
    "", " ", "yes", "no", "on", "null", "~", "idk", "- x", "a: b", "#c", "'q'", '"q"', "1",
    "1.0", "0x1F", "Türkiye", "東京", "🛰 payload", "a\nb", "a\x85b", "tab\tand  spaces ",
    "line\u2028sep", "x" * 140, "word " * 60, "\\", "{a}", "[b]", "&anchor", "*alias", "!tag",
]  # fmt: skip
text = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=250))
value = st.one_of(
    text,
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(text, max_size=4),
)
key = st.one_of(
    st.sampled_from(["m1_country", "yes", "on", "null", "a b", "é", "k:v", "-"]),
    st.text(min_size=1, max_size=64),
)
company = st.builds(Company, name=st.one_of(st.sampled_from(AWKWARD), st.text(max_size=300)))


def af(c: Company, answers: dict) -> AnswersFile:
    return AnswersFile(ruleset=RulesetRef(id="itar-ear-selfassessment", version="1.1.0"),
                       company=c, answers=answers)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(company, st.dictionaries(key, value, max_size=6)), max_size=6))
def test_pieces_give_the_same_bytes(steps):
    pieces: dict = {}
    answers: dict = {}
    for c, changes in steps:
        answers = {**answers, **changes}  # answers added or changed, as Next does
        a = af(c, answers)
        assert dump(a, pieces) == dump(a)
        assert parse(dump(a, pieces)) == a
    assert dump(af(Company(), {}), pieces) == dump(af(Company(), {}))


def test_pieces_on_the_examples_and_a_walk_through_them():
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        full = parse(path.read_bytes())
        pieces: dict = {}
        so_far: dict = {}
        for k, v in full.answers.items():
            so_far[k] = v
            a = full.model_copy(update={"answers": dict(so_far)})
            assert dump(a, pieces) == dump(a)
        layout = to_layout(full.answers)  # the header and the current pieces only:
        expected = 1 + sum(
            len(v) if isinstance(v, list | dict) and k != "home" else 1 for k, v in layout.items()
        )
        assert len(pieces) == expected
