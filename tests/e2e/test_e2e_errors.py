"""What a visitor's browser shows when something goes wrong on the server (issue 11, item 5):
never a traceback, an exception message or a server path, whatever the configuration value
says; a wrong setting is told to the operator in the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2e.browser import Wizard, new_page
from testkit.server import ROOT, run_app

HERE = Path(__file__).resolve().parent
LEAKS = ("Traceback", "OverflowError", "RuntimeError", "secret detail", str(ROOT), 'File "')


def assert_no_leak(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, leak


@pytest.fixture(scope="module")
def inf_app(tmp_path_factory):
    extra = {"COMPLIANCE_RETENTION_DAYS": "inf"}
    with run_app(tmp_path_factory.mktemp("e2e-inf"), extra_env=extra) as a:
        yield a


def test_a_wrong_setting_shows_no_traceback_and_is_logged(browser, inf_app, ruleset):
    w = Wizard(new_page(browser, inf_app.url), ruleset)
    try:
        w.open()
        body = w.page.locator("body").inner_text()
        assert_no_leak(body)
        assert "not saved here" in body and "Save progress" in body
        w.start("Settings Test SA")
        assert w.step() is not None  # the wizard goes on, in memory
        assert_no_leak(w.page.locator("body").inner_text())
    finally:
        w.page.context.close()
    log = inf_app.log_text()
    assert "COMPLIANCE_RETENTION_DAYS must be a number of days" in log
    assert "OverflowError" not in log


def test_an_unexpected_error_shows_only_a_generic_sentence(browser, tmp_path):
    with run_app(tmp_path, app=HERE / "raising_app.py") as a:
        page = new_page(browser, a.url)
        try:
            page.goto("/")
            page.get_by_text("This app has encountered an error").wait_for()
            body = page.locator("body").inner_text()
            assert_no_leak(body)
        finally:
            page.context.close()
        assert "secret detail" in a.log_text()  # the operator still gets the details
