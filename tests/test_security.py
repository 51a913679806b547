"""Security checks: static lint (bandit), dependency audit (pip-audit), the Streamlit
configuration, forbidden calls in the code, and hostile uploads through the real app.

See docs/security.md for what these protect and for every explained finding.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import tomllib
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from compliance_app.dossier.answers import MAX_BYTES, AnswersError, parse

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
HEAD = "format: itar-ear-answers\nformat_version: 1\nruleset: {id: mini, version: 0.0.1}\n"


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


# --- static analysis ---------------------------------------------------------------------------


def test_bandit_finds_nothing_unexplained() -> None:
    pytest.importorskip("bandit", reason="bandit is not installed (pip install -e '.[test]')")
    run = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "bandit.yaml", "-r", "compliance_app",
         "streamlit_app.py", "-f", "json", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(run.stdout)
    assert not report["errors"], report["errors"]
    serious = [
        f"{r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}"
        for r in report["results"]
        if r["issue_severity"] in ("MEDIUM", "HIGH")
    ]
    assert not serious, "fix these or add '# nosec BXXX: reason':\n" + "\n".join(serious)
    doc = _doc()
    unexplained = sorted({r["test_id"] for r in report["results"] if r["test_id"] not in doc})
    assert not unexplained, f"low findings not explained in docs/security.md: {unexplained}"
    for r in report["results"]:  # an inline nosec must say why
        line = (ROOT / r["filename"]).read_text(encoding="utf-8").splitlines()[r["line_number"] - 1]
        if "nosec" in line:
            assert re.search(r"nosec B\d{3}: \S", line), line


def _pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=10) as r:  # noqa: S310
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def test_pip_audit_finds_no_unexplained_vulnerability() -> None:
    pytest.importorskip("pip_audit", reason="pip-audit is not installed (pip install -e '.[test]')")
    if not _pypi_reachable():
        pytest.skip("pypi.org cannot be reached: the dependency audit needs the network")
    run = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi", "--format",
         "json", "--progress-spinner", "off"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    start = run.stdout.find("{")
    assert start >= 0, run.stdout + run.stderr
    report = json.loads(run.stdout[start:])
    deps = report["dependencies"]
    audited = [d for d in deps if "skip_reason" not in d]
    if not audited:
        pytest.skip(
            "pypi.org answers, but its per-release JSON API (/pypi/<name>/<version>/json) "
            f"does not: none of the {len(deps)} installed distributions could be audited"
        )
    doc = _doc()
    unexplained = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or '-'})"
        for d in audited
        for v in d.get("vulns", [])
        if not any(i in doc for i in [v["id"], *v.get("aliases", [])])
    ]
    assert not unexplained, "upgrade, or explain in docs/security.md:\n" + "\n".join(unexplained)


# --- configuration and forbidden calls ---------------------------------------------------------


def test_streamlit_config_keeps_the_privacy_and_security_defaults() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    # MB: our PDF reports (which carry the answers) are refused above 10 MB by transport too
    assert 1 <= config["server"]["maxUploadSize"] <= 10
    assert config["server"]["maxUploadSize"] * 1_000_000 >= MAX_BYTES
    # no message, type or traceback in the browser (what it shows: tests/e2e/test_e2e_errors.py)
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"].get("address", "localhost") in ("localhost", "127.0.0.1")


FORBIDDEN = {
    r"unsafe_allow_html\s*=\s*True": "user text is never markup",
    r"yaml\.load\(": "use yaml.safe_load or the project's strict loaders",
    r"yaml\.unsafe_load|yaml\.full_load|FullLoader|UnsafeLoader": "unsafe YAML loading",
    r"\beval\(|\bexec\(|pickle\.loads?\(": "no code from data",
}


def test_no_python_file_uses_unsafe_html_or_unsafe_yaml() -> None:
    this = Path(__file__).resolve()
    files = [
        p
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts and ".git" not in p.parts and p.resolve() != this
    ]
    assert any(p.name == "streamlit_app.py" for p in files)
    hits = [
        f"{p.relative_to(ROOT)}:{n}: {why}: {line.strip()}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        for pattern, why in FORBIDDEN.items()
        if re.search(pattern, line)
    ]
    assert not hits, "\n".join(hits)


# --- hostile uploads: refused fast, with flat memory -------------------------------------------


def _laughs(levels: int = 9) -> bytes:
    doc = HEAD + 'answers:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(levels):
        doc += f"  l{i}: &l{i} [" + ",".join([f"*{'a' if i == 0 else f'l{i - 1}'}"] * 9) + "]\n"
    return doc.encode()


HOSTILE = {
    "1 MB of [": b"[" * (MAX_BYTES - 1),
    "1 MB of {": b"{" * (MAX_BYTES - 1),
    "1 MB of - ": b"- " * (MAX_BYTES // 2 - 1),
    "deep JSON": b'{"a":' + b"[" * (MAX_BYTES - 10),
    "billion laughs": _laughs(),
    "merge keys": (HEAD + "company: {<<: {name: a}}\n").encode(),
    "python tag": (HEAD + "answers: !!python/object/apply:os.system ['id']\n").encode(),
    "huge integer": (HEAD + "answers: {a: " + "9" * 5000 + "}\n").encode(),
    "lone surrogate": b'{"format": "itar-ear-answers", "format_version": 1, "ruleset": '
    b'{"id": "mini", "version": "0.0.1"}, "company": {"name": "\\ud800"}}',
    "over the cap": b"#" * (MAX_BYTES + 1),
    "latin-1": (HEAD + "company: {name: Müller}\n").encode("latin-1"),
    "utf-32": (HEAD + "company: {name: a}\n").encode("utf-32"),
    "odd utf-16": b"\xff\xfe" + "a: b\n".encode("utf-16-le") + b"\x00",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_quickly_with_flat_memory(name: str) -> None:
    data = HOSTILE[name]
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(AnswersError) as refused:
            parse(data)
        elapsed = time.perf_counter() - began
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(refused.value).strip()
    assert elapsed < 0.5, f"{name}: {elapsed:.2f} s"
    assert peak < 30_000_000, f"{name}: {peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    ("encoding", "ok"), [("utf-8", True), ("utf-8-sig", True), ("utf-16", True),
                         ("utf-16-le", False), ("cp1252", False), ("utf-32", False)],
)  # fmt: skip
def test_encodings_are_read_exactly_or_refused(encoding: str, ok: bool) -> None:
    text = "Ørsted Αθήνα €" if ok else "Ørsted Müller €"
    data = (HEAD + f"company: {{name: {text}}}\n").encode(encoding)
    if ok:
        assert parse(data).company.name == text
    else:
        with pytest.raises(AnswersError, match="not UTF-8|not valid"):
            parse(data)


def test_refused_uploads_leave_the_current_answers_untouched(monkeypatch) -> None:
    """Through the real app: a series of hostile files, none of which changes anything."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(ROOT / "tests" / "fixtures" / "mini_rules"))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="company_name").input("Keep SA")
    at.button(key="start").click().run()
    at.selectbox(key="w_q_country").set_value("LU")
    at.button(key="next").click().run()
    assert not at.exception
    before = (dict(at.session_state["answers"]), dict(at.session_state["company"]))
    page = at.session_state["page"]
    assert before[0] == {"q_country": "LU"}
    for name in ("billion laughs", "huge integer", "lone surrogate", "latin-1", "1 MB of ["):
        at.file_uploader(key="upload").set_value((f"{name}.yaml", HOSTILE[name], "text/yaml"))
        at.run()
        assert not at.exception, name
        assert any("File refused" in e.value for e in at.error), name
        after = (dict(at.session_state["answers"]), dict(at.session_state["company"]))
        assert after == before, name
        assert at.session_state["page"] == page, name
