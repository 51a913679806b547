"""Property-based tests (Hypothesis): hostile or arbitrary input is either accepted or refused
with the module's own exception and a message; nothing else ever escapes.

* answers file (``answers.parse``): any bytes, any YAML-ish text, any encoding;
* rule base (``loader.load_ruleset``): a copy of tests/fixtures/mini_rules with one file fuzzed;
* engine (``engine.evaluate``): any answers dict against the real rule base;
* values (``values.normalize``): any value for any step of the real rule base;
* PDF (``report.build_pdf``): any company details and free-text answers, printed exactly.

Kept fast: modest ``max_examples`` and no deadline (the whole file runs in well under a minute).
"""

from __future__ import annotations

import io
import json
import math
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pypdf
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from compliance_app.dossier.answers import (
    MAX_BYTES,
    AnswersError,
    AnswersFile,
    Company,
    RulesetRef,
    dump,
    parse,
)
from compliance_app.engine.evaluation import evaluate
from compliance_app.engine.results import Evaluation, TrailEntry
from compliance_app.engine.values import AnswerError, normalize
from compliance_app.report.builder import build_pdf
from compliance_app.report.text import drawable
from compliance_app.rulebase.loader import RulesetError, cached_ruleset, load_ruleset
from compliance_app.rulebase.models import Ruleset, Step
from compliance_app.ui import state as ui_state

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini_rules"

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def rs() -> Ruleset:
    return cached_ruleset()


def _clear_message(exc: Exception) -> str:
    """The message of a refusal: non-empty, one readable string the browser can show."""
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} without a message"
    message.encode("utf-8")  # no lone surrogates: Streamlit must be able to send it
    return message


# --- answers file ------------------------------------------------------------------------------

HEAD = "format: itar-ear-answers\nformat_version: 1\nruleset: {id: x, version: 1.0.0}\n"
YAML_BITS = [
    "[", "]", "{", "}", ":", ": ", "- ", "\n", "  ", "&a ", "*a", "!!", "!!python/object ",
    "!!binary ", "<<: ", "? ", "|", ">", "#", '"', "'", "\\u", "\\ud800", "%YAML 1.1\n", "---\n",
    "...\n", "answers:", "company:", "name:", "format:", "yes", "no", "null", "~", "1e999",
    ".nan", "2026-02-30", "0x1F", "9" * 5000, "\t", "\x00", "\ufeff", "\u2028", "\x85",
]  # fmt: skip


def _yamlish() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=8)), max_size=40).map(
        "".join
    )


def _parse_or_refuse(data: bytes) -> AnswersFile | None:
    try:
        result = parse(data)
    except AnswersError as exc:
        _clear_message(exc)
        return None
    assert isinstance(result, AnswersFile)
    # whatever was accepted can be shown in the browser and saved again
    dump(result).decode("utf-8")
    json.dumps(result.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
    return result


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_are_parsed_or_refused(data: bytes) -> None:
    _parse_or_refuse(data)


@FAST
@given(_yamlish(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1"]))
def test_any_yamlish_text_in_any_encoding_is_parsed_or_refused(body: str, encoding: str) -> None:
    data = (HEAD + body).encode(encoding, "surrogatepass" if "utf" in encoding else "replace")
    result = _parse_or_refuse(data)
    if encoding in ("utf-16-le", "latin-1") and result is not None:
        # accepted only when the bytes are really UTF-8 (e.g. pure ASCII in Latin-1),
        # so the text is exactly what was written: never garbled
        assert data.decode("utf-8")


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["\ud800", "x\udfff", "yes", "idk", "LU"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=15,
)


@FAST
@given(st.dictionaries(st.sampled_from(["answers", "company", "ruleset", "x"]), JSONISH))
def test_any_json_document_is_parsed_or_refused(extra: dict) -> None:
    doc = {"format": "itar-ear-answers", "format_version": 1, **extra}
    _parse_or_refuse(json.dumps(doc).encode())
    _parse_or_refuse(yaml.safe_dump(doc, allow_unicode=False).encode())


TEXT = st.text(max_size=120)  # any Unicode scalar value: control characters, RTL, emoji, NUL


@FAST
@given(
    company=st.fixed_dictionaries(
        {f: st.text(max_size=300) for f in ("name", "contact", "assessment_title")}
    ),
    answers=st.dictionaries(
        st.text(min_size=1, max_size=64),
        st.one_of(TEXT, st.lists(TEXT, max_size=3), st.floats(allow_nan=False)),
        max_size=5,
    ),
)
def test_answers_file_round_trips_any_text(company: dict, answers: dict) -> None:
    af = AnswersFile(
        ruleset=RulesetRef(id="itar-ear-selfassessment", version="1.0.0"),
        company=Company(country="LU", **company),
        answers=answers,
    )
    data = dump(af)
    assert parse(data) == af
    assert dump(parse(data)) == data
    # and after a round trip through another accepted encoding
    assert parse(data.decode("utf-8").encode("utf-16")) == af
    assert parse(b"\xef\xbb\xbf" + data) == af


@FAST
@given(st.binary(min_size=1, max_size=16), st.integers(1, 1000))
def test_oversize_is_refused_whatever_it_holds(pattern: bytes, extra: int) -> None:
    data = (pattern * (MAX_BYTES // len(pattern) + 1))[: MAX_BYTES + extra]
    with pytest.raises(AnswersError, match="at most"):
        parse(data)


# --- rule base loader --------------------------------------------------------------------------

RULE_FILES = sorted(str(p.relative_to(MINI)) for p in MINI.rglob("*.yaml"))


def _load_or_refuse(rules: Path) -> None:
    try:
        result = load_ruleset(rules)
    except RulesetError as exc:
        assert exc.errors, "RulesetError without errors"
        for error in exc.errors:
            assert error.file and error.line >= 1 and error.column >= 1 and error.message
        _clear_message(exc)
    else:
        assert isinstance(result, Ruleset)


@pytest.fixture(scope="module")
def rules_copy():
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "rules"
        shutil.copytree(MINI, target)
        yield target


def _mutate(text: str, data: st.DataObject) -> str:
    """Delete, replace or insert a slice of the original file."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=10)))
    return text[:start] + insert + text[end:]


@FAST
@given(data=st.data())
def test_fuzzed_rule_file_loads_or_is_refused_with_locations(rules_copy: Path, data) -> None:
    name = data.draw(st.sampled_from(RULE_FILES))
    path = rules_copy / name
    original = (MINI / name).read_bytes()
    kind = data.draw(st.sampled_from(["mutate", "text", "bytes"]))
    if kind == "mutate":
        content = _mutate(original.decode("utf-8"), data).encode("utf-8", "surrogatepass")
    elif kind == "text":
        content = data.draw(_yamlish()).encode("utf-8", "surrogatepass")
    else:
        content = data.draw(st.binary(max_size=200))
    try:
        path.write_bytes(content)
        _load_or_refuse(rules_copy)
    finally:
        path.write_bytes(original)


# --- engine and values -------------------------------------------------------------------------

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(["idk", "yes", "no", "LU", "lu", "US", "ß", "ﬁ", "ıt", "", "\x00"]),
    st.lists(st.one_of(st.text(max_size=4), st.sampled_from(["idk", "LU", "CN"]), st.integers())),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _valid(step: Step) -> st.SearchStrategy[object]:
    opts = step.option_values()
    countries = ["LU", "FR", "DE", "US", "CN", "RU", "IR", "IN", "JP", "GB"]
    t = step.type
    if t in ("yes_no", "yes_no_unknown", "one"):
        return st.sampled_from(opts)
    if t == "many":
        return st.lists(st.sampled_from(opts), min_size=1, max_size=3, unique=True)
    if t == "country":
        return st.sampled_from(countries + (["idk"] if step.allow_unknown else []))
    if t == "countries":
        return st.lists(st.sampled_from(countries), max_size=3)
    if t == "number":
        return st.floats(min_value=step.minimum or 0, max_value=step.maximum or 1e12)
    return st.text(max_size=50)


@st.composite
def answer_dicts(draw, ruleset: Ruleset) -> dict[object, object]:
    out: dict[object, object] = {}
    for sid, step in ruleset.steps.items():
        kind = draw(st.sampled_from(["valid", "valid", "valid", "junk", "missing"]))
        if kind == "valid":
            out[sid] = draw(_valid(step))
        elif kind == "junk":
            out[sid] = draw(JUNK)
    out.update(
        draw(st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), JUNK, max_size=3))
    )
    return out


@FAST
@given(data=st.data())
def test_engine_evaluates_any_answers(rs: Ruleset, data) -> None:
    answers = data.draw(answer_dicts(rs))
    ev = evaluate(rs, answers)
    assert isinstance(ev, Evaluation)
    assert ev.path and ev.path[0] == rs.meta.start
    assert ev.complete == (ev.pending_step is None)
    if ev.pending_step is not None:
        assert ev.pending_step == ev.path[-1]
        assert ev.us_authorization_needed != "no"  # an unfinished assessment never says "no"
    assert len(set(ev.path)) == len(ev.path)
    assert evaluate(rs, answers) == ev  # pure: same answers, same result
    # only answers that fit their step are used: normalising first changes nothing
    visible = {e.step_id: e.answer for e in ev.trail if e.answer is not None}
    again = evaluate(rs, visible)
    assert (again.path, again.jurisdiction, again.us_authorization_needed) == (
        ev.path,
        ev.jurisdiction,
        ev.us_authorization_needed,
    )


@FAST
@given(data=st.data())
def test_normalize_accepts_or_refuses_with_answer_error(rs: Ruleset, data) -> None:
    step = data.draw(st.sampled_from(list(rs.steps.values())))
    value = data.draw(st.one_of(JUNK, _valid(step)))
    try:
        canonical = normalize(step, value)
    except AnswerError as exc:
        _clear_message(exc)
        return
    assert normalize(step, canonical) == canonical  # canonical form is a fixed point
    if step.type == "number" and canonical != "idk":
        assert isinstance(canonical, float) and math.isfinite(canonical)
    if step.type in ("country", "countries"):
        codes = canonical if isinstance(canonical, list) else [canonical]
        # a country code is two ASCII letters as typed: "ß".upper() == "SS" is not South Sudan
        assert all(c == "idk" or (c.isascii() and c.isupper() and len(c) == 2) for c in codes)
        originals = value if isinstance(value, list) else [value]
        assert all(isinstance(v, str) and v.isascii() for v in originals)


# --- PDF ---------------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _report(rs: Ruleset, company: dict[str, str], description: str) -> bytes:
    """The report of a real evaluation, with ``description`` as the free-text answer."""
    answers = {"m1_country": "LU", "m2_description": description}
    ev = evaluate(rs, answers)
    step = rs.steps["m2_description"]
    entry = TrailEntry(
        step_id=step.id,
        module_id=next(m.id for m in rs.modules if step in m.steps),
        question=step.question.en,
        answer=description,
        answer_text=description,
        unknown=False,
        citations=[],
    )
    ev = ev.model_copy(update={"trail": [*ev.trail, entry]})
    af = AnswersFile(
        ruleset=RulesetRef(id=rs.meta.id, version=rs.meta.version),
        company=Company(**company),
        answers=answers,
    )
    return build_pdf(rs.meta, af, ev, invariant=True)


@SLOW
@given(
    name=st.text(max_size=300),
    contact=st.text(max_size=300),
    title=st.text(max_size=300),
    description=st.text(max_size=3000),
)
def test_pdf_is_written_for_any_company_text(
    rs: Ruleset, name: str, contact: str, title: str, description: str
) -> None:
    pdf = _report(rs, {"name": name, "contact": contact, "assessment_title": title}, description)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pypdf.PdfReader(io.BytesIO(pdf)).pages


def _printable() -> list[str]:
    """Characters the report's font draws that pypdf gives back unchanged: letters, digits,
    punctuation and symbols of any script the font covers (no combining marks or controls),
    Markdown and HTML specials included."""
    out = []
    for cp in sorted(drawable()):
        ch = chr(cp)
        # BMP only: ReportLab writes the ToUnicode entry of a character above U+FFFF as an
        # odd-length hex string that pypdf (and copy-paste) cannot read back (see
        # docs/security.md); such characters are drawn, but do not come back as text
        if (
            cp <= 0xFFFF
            and unicodedata.bidirectional(ch) not in ("R", "AL", "AN")  # pypdf reorders RTL
            and not (0x0590 <= cp <= 0x08FF or 0xFB1D <= cp <= 0xFEFF)  # RTL scripts
            and unicodedata.category(ch)[0] in "LNPS"
            and unicodedata.normalize("NFKC", ch) == ch
        ):
            out.append(ch)
    return out


PRINTABLE = _printable()
MARKUP = list("<>&\"'*_`#[]()!|~\\/{}=+-") + ["<b>", "</para>", "&amp;", "&#169;", "**", "<br/>"]
WORD = st.lists(
    st.one_of(st.sampled_from(PRINTABLE), st.sampled_from(MARKUP)), min_size=1, max_size=8
)
PRINTABLE_TEXT = st.lists(WORD.map("".join), min_size=1, max_size=6).map(" ".join)


@SLOW
@given(name=PRINTABLE_TEXT, title=PRINTABLE_TEXT, description=PRINTABLE_TEXT)
def test_printable_text_comes_back_out_of_the_pdf_exactly(
    rs: Ruleset, name: str, title: str, description: str
) -> None:
    assume(len(name) <= 300 and len(title) <= 300)
    pdf = _report(rs, {"name": name, "assessment_title": title, "country": "LU"}, description)
    # Compare with line wrapping undone: a long name may wrap onto a second line.
    text = _flat(_pdf_text(pdf))
    assert f"Company: {_flat(name)} Assessment: {_flat(title)}" in text
    assert f"Answer: {_flat(description)}" in text
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    meta = reader.metadata
    assert meta is not None and meta.subject == f"ITAR/EAR self-assessment for {name.strip()}"


def test_a_very_long_multiline_answer_with_every_kind_of_character_still_builds(rs) -> None:
    line = "Ünïcødé ‮RTL‬ 🚀 \x00\x07 <b>&amp;</b> **md** `x` # [l](u) \u200b\ufeff" * 12
    description = "\n".join([line] * 18)[:2000]  # the step's max_length
    pdf = _report(rs, {"name": "x" * 300, "contact": "\r\n\t" * 100}, description)
    text = _pdf_text(pdf)
    assert "<b>&amp;</b> **md** `x` # [l](u)" in text
    assert "[U+1F680]" in text and "[U+0000]" in text  # visible substitutes, never dropped


# --- the upload path of the UI -----------------------------------------------------------------


@FAST
@given(st.one_of(st.binary(max_size=300), _yamlish().map(lambda s: (HEAD + s).encode())))
def test_import_accepts_or_refuses_and_what_it_accepts_can_be_shown(rs, data: bytes) -> None:
    data = data.replace(b"{id: x,", f"{{id: {rs.meta.id},".encode())
    try:
        imported = ui_state.import_answers(rs, data)
    except AnswersError as exc:
        _clear_message(exc)
        return
    # everything imported goes into Streamlit widgets: it must be encodable UTF-8 text
    for value in imported.company.values():
        value.encode("utf-8")
    json.dumps(imported.answers, ensure_ascii=False).encode("utf-8")
