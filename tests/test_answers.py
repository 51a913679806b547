"""Answers file: safe loading (pitfall Y3), encodings, size cap, round trip."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from compliance_app.dossier.answers import (
    MAX_ANSWERS,
    MAX_BYTES,
    MAX_LIST_ITEMS,
    MAX_NODES,
    AnswersError,
    AnswersFile,
    Company,
    RulesetRef,
    dump,
    parse,
)

ROOT = Path(__file__).resolve().parent.parent
HEAD = "format: itar-ear-answers\nformat_version: 1\nruleset: {id: x, version: 1.0.0}\n"


def _af() -> AnswersFile:
    return AnswersFile(
        ruleset=RulesetRef(id="itar-ear-selfassessment", version="1.0.0"),
        company=Company(name="Müller & Söhne <GmbH>", country="LU", contact="Łódź ООО Ромашка"),
        answers={"m1_country": "NO", "m2_activities": ["a", "b"], "m5_value": 12.5, "t": "no"},
    )


def test_round_trip_is_byte_identical_and_keeps_non_ascii():
    data = dump(_af())
    assert parse(data) == _af()
    assert dump(parse(data)) == data
    assert "Müller & Söhne <GmbH>".encode() in data  # written as itself, not escaped
    assert "Ромашка".encode() in data


def test_norway_stays_a_string_on_reload():
    assert parse(dump(_af())).answers["m1_country"] == "NO"


def test_python_tag_is_refused_without_side_effect(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    payload = HEAD + f"answers: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(AnswersError, match="tag .* is not allowed"):
        parse(payload.encode())
    assert not marker.exists()


def test_aliases_are_refused():
    with pytest.raises(AnswersError, match="anchors or aliases"):
        parse((HEAD + "company: &c {name: a}\nanswers: {x: *c}\n").encode())


def test_oversize_is_refused_before_parsing():
    with pytest.raises(AnswersError, match=f"at most {MAX_BYTES:,} bytes"):
        parse(b"#" * (MAX_BYTES + 1))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_utf8_with_or_without_bom_and_utf16(encoding):
    text = HEAD + "company: {name: Ørsted Αθήνα}\n"
    assert parse(text.encode(encoding)).company.name == "Ørsted Αθήνα"


def test_latin1_is_refused_as_not_utf8():
    with pytest.raises(AnswersError, match="not UTF-8"):
        parse((HEAD + "company: {name: Müller}\n").encode("latin-1"))


def test_json_is_accepted():
    data = json.dumps(
        {
            "format": "itar-ear-answers",
            "format_version": 1,
            "ruleset": {"id": "x", "version": "1"},
            "answers": {"a": "yes"},
        }
    )
    assert parse(data.encode()).answers == {"a": "yes"}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "empty"),
        (b"just text", "not an answers file"),
        (b"format: other\n", "not an answers file"),
        ((HEAD + "answers: [1, 2]\n").encode(), "expected shape"),
        ((HEAD + "surprise: 1\n").encode(), "expected shape"),
        (b"a: [1, 2", "not valid YAML"),
        (("[" * 200).encode(), "not valid YAML|nested"),
    ],
)
def test_bad_files_are_refused_with_a_reason(payload, message):
    with pytest.raises(AnswersError, match=message):
        parse(payload)


def test_deep_nesting_is_refused():
    deep = HEAD + "answers: {a: " + "[" * 20 + "]" * 20 + "}\n"
    with pytest.raises(AnswersError, match="nested"):
        parse(deep.encode())


# --- issue 11, item 3: a boolean is never an answer (it became 1.0 EUR) -----------------------

BOOLEANS = ["yes", "no", "on", "off", "true", "false", "True", "False", "YES", "Off"]


@pytest.mark.parametrize("text", BOOLEANS)
def test_a_yaml_boolean_in_a_number_answer_is_refused_with_step_and_value(text):
    with pytest.raises(AnswersError, match=f"m5_us_value is {text},") as refused:
        parse((HEAD + f"answers: {{m5_us_value: {text}}}\n").encode())
    assert "true or false" in str(refused.value)


@pytest.mark.parametrize("text", ["true", "false"])
def test_a_json_boolean_is_refused_with_step_and_value(text):
    data = (
        '{"format": "itar-ear-answers", "format_version": 1, "ruleset": {"id": "x", '
        f'"version": "1"}}, "answers": {{"m5_us_value": {text}}}}}'
    )
    with pytest.raises(AnswersError, match=f"m5_us_value is {text},"):
        parse(data.encode())


def test_a_boolean_in_a_list_answer_is_refused_too():
    with pytest.raises(AnswersError, match="m3_countries is no,"):
        parse((HEAD + "answers: {m3_countries: [LU, no]}\n").encode())


def test_the_model_never_turns_true_into_one():
    with pytest.raises(ValueError):
        AnswersFile(ruleset=RulesetRef(id="x", version="1"), answers={"m5_us_value": True})
    ok = AnswersFile(ruleset=RulesetRef(id="x", version="1"), answers={"m5_us_value": 12000})
    assert ok.answers["m5_us_value"] == 12000.0


def test_the_cli_refuses_yes_as_a_us_value(tmp_path, capsys):
    from compliance_app import cli

    source = (ROOT / "examples" / "payload_9a515_content.yaml").read_text(encoding="utf-8")
    assert "m5_us_value:" in source
    path = tmp_path / "a.yaml"
    lines = [
        "  m5_us_value: yes" if line.startswith("  m5_us_value:") else line
        for line in source.splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["evaluate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "m5_us_value is yes" in err


# --- issue 11, item 13: UTF-16 without a BOM and UTF-32 get the documented "not UTF-8" ---------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("name", ["Acme", "Ørsted"])
def test_utf16_without_bom_and_utf32_are_refused_as_not_utf8(encoding, name):
    data = (HEAD + f"company: {{name: {name}}}\n").encode(encoding)
    with pytest.raises(AnswersError, match=r"^The file is not UTF-8 text \(.*Save it as UTF-8"):
        parse(data)


# --- issue 11, item 6: the work per upload is bounded (60,000 keys took 10-24 s) ---------------


def _many_keys(n: int) -> bytes:
    return (HEAD + "answers:\n" + "".join(f"  k{i:05d}: v\n" for i in range(n))).encode()


def test_sixty_thousand_keys_are_refused_quickly():
    data = _many_keys(60_000)
    assert 700_000 < len(data) < MAX_BYTES
    began = time.perf_counter()
    with pytest.raises(AnswersError, match=f"more than {MAX_NODES:,} values"):
        parse(data)
    assert time.perf_counter() - began < 1.5  # about 0.1 s on an idle machine; 2.6 s before


def test_sixty_thousand_keys_in_json_are_refused_too():
    answers = ", ".join(f'"k{i:05d}": "v"' for i in range(60_000))
    data = (
        '{"format": "itar-ear-answers", "format_version": 1, "ruleset": {"id": "x", '
        f'"version": "1"}}, "answers": {{{answers}}}}}'
    ).encode()
    with pytest.raises(AnswersError, match="more than"):
        parse(data)


def test_more_answers_than_any_file_holds_are_refused():
    assert len(parse(_many_keys(MAX_ANSWERS)).answers) == MAX_ANSWERS
    with pytest.raises(AnswersError, match=f"at most {MAX_ANSWERS:,}"):
        parse(_many_keys(MAX_ANSWERS + 1))


def test_a_list_longer_than_all_countries_is_refused_with_the_step():
    items = ", ".join(["LU"] * (MAX_LIST_ITEMS + 1))
    with pytest.raises(AnswersError, match=f"m3_countries lists {MAX_LIST_ITEMS + 1}"):
        parse((HEAD + f"answers: {{m3_countries: [{items}]}}\n").encode())


def test_the_warning_about_unknown_answers_stays_short():
    from compliance_app.rulebase.loader import cached_ruleset
    from compliance_app.ui.state import import_answers

    rs = cached_ruleset()
    head = f"format: itar-ear-answers\nformat_version: 1\nruleset: {{id: {rs.meta.id}, "
    head += f"version: {rs.meta.version}}}\nanswers:\n"
    data = (head + "".join(f"  unknown_{i:05d}: v\n" for i in range(400))).encode()
    imported = import_answers(rs, data)
    assert len(imported.answers) == 400
    (warning,) = imported.warnings
    assert warning.startswith("400 answer(s)") and len(warning) < 400
