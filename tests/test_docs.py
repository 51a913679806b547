"""The README documents what a newcomer needs (sqlite-utils' test_docs habit)."""

from __future__ import annotations

import re
from pathlib import Path

from compliance_app.cli import build_parser

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"python -m compliance_app {name}" in README, name


def test_quick_start_is_two_make_commands_and_ci_uses_the_test_one():
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_example_named_in_the_readme_exists():
    for name in re.findall(r"examples/[\w.-]+\.yaml", README):
        assert (ROOT / name).is_file(), name
    assert len(list((ROOT / "examples").glob("*.yaml"))) >= 3


def test_docs_linked_from_the_readme_exist():
    for name in re.findall(r"`(docs/[\w.-]+\.md)`", README):
        assert (ROOT / name).is_file(), name


def test_the_readme_says_what_survives_a_reload_and_a_restart():
    """Issue 11: "saved as you go" said more than was true; now the README says exactly."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Saving, resuming and the adviser's review", 1)[1].split("\n## ")[0]
    section = " ".join(section.split())
    assert "What survives a reload, a second tab or a restart of the server" in section
    for kept in ("confirmed with **Next**", "answer on the screen", "not an answer until"):
        assert kept in section, kept
    assert "**Not kept:**" in section and "click again" in section
    storage = (ROOT / "docs" / "storage.md").read_text(encoding="utf-8")
    assert "`on_screen`" in storage and "migration `0003`" in storage
