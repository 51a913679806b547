"""Restricted-party screening: the list readers on fixture files in each official format, the
store, the matcher and the outcomes (never a false "no match"), the CLI and ``lists update``
against a local HTTP server. Nothing is downloaded from outside the machine."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from pathlib import Path

import pytest

from compliance_app import cli
from compliance_app.screening.model import ListFormatError
from compliance_app.screening.normalize import normalise
from compliance_app.screening.parsers.detect import parse_file
from compliance_app.screening.service import Screener
from compliance_app.screening.store import ListStore

FIX = Path(__file__).parent / "fixtures" / "screening"
MAIN = ["us_csl_consolidated.json", "eu_fsf.xml", "uk_sanctions_list.csv", "un_consolidated.xml"]
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def clock(now: dt.datetime = NOW):
    return lambda: now


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'lists.sqlite3'}"


@pytest.fixture
def store(db):
    s = ListStore(db, clock=clock())
    yield s
    s.close()


def load(store: ListStore, names=MAIN) -> None:
    for name in names:
        data = (FIX / name).read_bytes()
        store.import_list(parse_file(data), data, name)


# --- readers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "list_id", "fmt", "published", "entries"),
    [
        ("us_csl_consolidated.csv", "us_csl", "csv", None, 15),
        ("us_csl_consolidated.json", "us_csl", "json", dt.date(2026, 11, 27), 15),
        ("eu_fsf.xml", "eu_fsf", "xml", dt.date(2026, 11, 27), 12),
        ("eu_fsf.csv", "eu_fsf", "csv", dt.date(2026, 11, 27), 12),
        ("uk_sanctions_list.csv", "uk_sl", "csv", dt.date(2026, 11, 27), 11),
        ("uk_sanctions_list.xml", "uk_sl", "xml", dt.date(2026, 11, 27), 11),
        ("un_consolidated.xml", "un_sc", "xml", dt.date(2026, 11, 27), 9),
    ],
)
def test_each_official_format_is_read(name, list_id, fmt, published, entries):
    parsed = parse_file((FIX / name).read_bytes())
    assert (parsed.list_id, parsed.source_format, parsed.published) == (list_id, fmt, published)
    assert len(parsed.entries) == entries
    assert all(e.ref and e.names for e in parsed.entries)


def test_the_two_formats_of_a_list_give_the_same_entries():
    for a, b in [
        ("us_csl_consolidated.csv", "us_csl_consolidated.json"),
        ("eu_fsf.xml", "eu_fsf.csv"),
        ("uk_sanctions_list.csv", "uk_sanctions_list.xml"),
    ]:
        ea, eb = ({e.ref: e for e in parse_file((FIX / n).read_bytes()).entries} for n in (a, b))
        assert ea.keys() == eb.keys()
        for ref in ea:
            assert {n.text for n in ea[ref].names} == {n.text for n in eb[ref].names}, ref
            assert set(ea[ref].countries) == set(eb[ref].countries), ref
            assert ea[ref].programmes == eb[ref].programmes, ref


def test_reader_details_aliases_scripts_programmes_and_sub_lists():
    csl = {e.ref: e for e in parse_file((FIX / "us_csl_consolidated.csv").read_bytes()).entries}
    prig = csl["23421"]
    assert prig.kind == "person" and prig.countries == ["RU"]
    assert prig.programmes == ["RUSSIA-EO14024", "CYBER2"]
    assert [n.kind for n in prig.names] == ["primary", "alias", "alias", "alias"]
    assert csl["a1c2e3f40001"].sub_list.startswith("Entity List (EL)")
    assert csl["a1c2e3f40001"].countries == ["CN"]
    eu = {e.ref: e for e in parse_file((FIX / "eu_fsf.csv").read_bytes()).entries}
    assert [(n.text, n.kind) for n in eu["EU.27.28"].names] == [
        ("Saddam Hussein Al-Tikriti", "primary"),
        ("Abu Ali", "weak_alias"),
    ]
    assert ("ПАО Совкомфлот", "original_script") in [
        (n.text, n.kind) for n in eu["EU.7701.51"].names
    ]
    un = {e.ref: e for e in parse_file((FIX / "un_consolidated.xml").read_bytes()).entries}
    kinds = {n.text: n.kind for n in un["IQe.100"].names}
    assert kinds["Al-Taji Factory"] == "former"
    assert un["KPi.033"].countries == ["KP"]
    assert {n.kind for n in un["QDe.005"].names} == {"primary", "alias", "weak_alias"}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"name,country\nAcme,DE\n",
        b"\xff\xfe\x00garbage-not-utf16\x00",
        b"\x80\x81\x82 not utf-8",
        b"<html><body>Service unavailable</body></html>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><export>&a;</export>',
        b"<export><sanctionEntity>",
        b'{"results": 5}',
        b"{not json",
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data):
    with pytest.raises(ListFormatError) as info:
        parse_file(data)
    assert str(info.value)


# --- normalisation and matching -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Société Générale S.à r.l.", "societe generale"),
        ("ООО Ромашка", "romashka"),
        ("华为技术有限公司", "hua wei ji shu"),
        ("Alpha Trading L.L.C.", "alpha trading"),
        ("ACME GmbH & Co. KG", "acme"),
        ("GmbH", "gmbh"),
        ("Παπαδόπουλος", "papadopoylos"),
    ],
)
def test_normalise(name, expected):
    assert normalise(name).text == expected


@pytest.mark.parametrize(
    ("query", "country", "ref"),
    [
        ("Yevgeny Prigozhin", "", "23421"),  # alias, other transliteration
        ("Евгений Пригожин", "", "23421"),  # Cyrillic
        ("Prigozhin Yevgeniy", "", "23421"),  # word order
        ("Huawei Technologies GmbH", "DE", "a1c2e3f40001"),  # legal form
        ("华为技术有限公司", "", "a1c2e3f40001"),  # Chinese, not in the list in that script
        ("Rosoboroneksport", "RU", "10511"),  # alias
        ("Sovkomflot PAO", "", "EU.7701.51"),  # typo and legal form
        ("Νικόλαος Παπαδόπουλος", "", "EU.9300.20"),  # Greek
        ("Al Rasheed Trust", "", "QDe.005"),
        ("محمد عبد الله الحربي", "", "QDi.901"),  # Arabic
        ("Kozlov Sergey Ivanovich", "RU", "RUS1500"),
        ("深圳京华电子有限公司", "", "CHN0005"),
    ],
)
def test_a_careful_person_would_flag_these(store, query, country, ref):
    load(store)
    party = Screener(store, now=clock()).screen(query, country, "end_user")
    assert party.outcome == "possible_match"
    hit = next(h for h in party.hits if h.entry == ref)
    assert hit.score >= party.threshold and hit.explanation
    assert hit.list and hit.entry_name and hit.matched_name


@pytest.mark.parametrize(
    "query",
    ["Elena Timchenko", "Rostelecom", "Alpha Mining AG", "Zhang Wei", "Alfa Laval AB"],
)
def test_look_alikes_are_not_flagged(store, query):
    load(store)
    party = Screener(store, now=clock()).screen(query, "", "customer")
    assert party.outcome == "no_match", [h.entry_name for h in party.hits]


# --- never a false "no match" ----------------------------------------------------------------


def test_no_list_at_all_is_not_screened(store):
    party = Screener(store, now=clock()).screen("Acme Widgets", "DE")
    assert party.outcome == "not_screened"
    assert {r.state for r in party.lists} == {"missing"}
    assert len(party.lists) == 4


def test_one_missing_list_is_named(store):
    load(store, MAIN[:3])
    party = Screener(store, now=clock()).screen("Acme Widgets", "DE")
    assert party.outcome == "not_screened"
    assert [r.id for r in party.lists_not_current()] == ["un_sc"]


def test_stale_lists_are_named(store):
    load(store)
    later = clock(NOW + dt.timedelta(days=8))
    party = Screener(store, now=later).screen("Acme Widgets", "DE")
    assert party.outcome == "stale_lists"
    assert {r.state for r in party.lists} == {"stale"}
    assert Screener(store, now=later, max_age_days=30).screen("Acme Widgets").outcome == "no_match"


def test_a_list_without_a_date_ages_from_its_import(store, db):
    load(store, ["us_csl_consolidated.csv", *MAIN[1:]])
    rec = next(r for r in Screener(store, now=clock()).list_records() if r.id == "us_csl")
    assert rec.published is None and "no publication date" in rec.note and rec.state == "ok"


def test_damaged_or_empty_lists_are_not_a_no_match(store):
    load(store)
    import sqlalchemy as sa

    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE screening_entries SET data = '{' WHERE list_id = 'uk_sl'"))
        conn.execute(sa.text("DELETE FROM screening_entries WHERE list_id = 'un_sc'"))
    party = Screener(store, now=clock()).screen("Acme Widgets", "DE")
    assert party.outcome == "not_screened"
    states = {r.id: r.state for r in party.lists}
    assert states == {"us_csl": "ok", "eu_fsf": "ok", "uk_sl": "unreadable", "un_sc": "unreadable"}


def test_an_empty_file_does_not_replace_the_list_in_use(store):
    load(store)
    empty = (FIX / "un_consolidated.xml").read_text().split("<INDIVIDUALS>")[0]
    empty += "</CONSOLIDATED_LIST>\n"
    with pytest.raises(ListFormatError, match="kept"):
        store.import_list(parse_file(empty.encode()), empty.encode(), "empty.xml")
    assert store.lists()["un_sc"].entry_count == 9


def test_a_name_with_nothing_to_search_is_not_screened(store):
    load(store)
    assert Screener(store, now=clock()).screen("--- ...").outcome == "not_screened"


# --- command line and update ---------------------------------------------------------------


def test_cli_import_status_screen(db, capsys):
    paths = [str(FIX / n) for n in MAIN]
    assert cli.main(["lists", "import", *paths, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "15 entries" in out and "sha256" in out
    code = cli.main(["lists", "status", "--db", db])
    out = capsys.readouterr().out
    assert "published: 2026-11-27" in out and code in (0, 4)
    code = cli.main(["screen", "Rosoboronexport JSC", "--country", "RU", "--db", db])
    out = capsys.readouterr().out
    assert code == 3 and "ROSOBORONEXPORT" in out and "RUSSIA-EO14024" in out
    assert "Normalised: rosoboronexport" in out


def test_cli_import_refuses_a_wrong_file(db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,country\nAcme,DE\n")
    assert cli.main(["lists", "import", str(bad), "--db", db]) == 1
    assert "not imported" in capsys.readouterr().err


@pytest.fixture
def fixture_server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(FIX))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_update_downloads_each_list_from_its_address(db, fixture_server, capsys):
    urls = {
        "us_csl": "us_csl_consolidated.json",
        "eu_fsf": "eu_fsf.xml",
        "uk_sl": "uk_sanctions_list.csv",
        "un_sc": "un_consolidated.xml",
    }
    args = [a for k, v in urls.items() for a in ("--url", f"{k}={fixture_server}/{v}")]
    assert cli.main(["lists", "update", *args, "--db", db]) == 0
    assert capsys.readouterr().out.count("entries") == 4
    s = ListStore(db)
    assert {k: v.entry_count for k, v in s.lists().items()} == {
        "us_csl": 15,
        "eu_fsf": 12,
        "uk_sl": 11,
        "un_sc": 9,
    }
    s.close()


def test_update_failures_keep_the_list_in_use(db, fixture_server, capsys):
    load_store = ListStore(db)
    load(load_store)
    before = load_store.lists()["eu_fsf"].sha256
    load_store.close()
    args = [
        "--list", "eu_fsf", "--list", "un_sc",
        "--url", f"eu_fsf={fixture_server}/missing.xml",
        "--url", f"un_sc={fixture_server}/uk_sanctions_list.csv",
    ]  # fmt: skip
    assert cli.main(["lists", "update", *args, "--db", db]) == 1
    out = capsys.readouterr().out
    assert "404" in out and "not the UN Security Council" in out
    s = ListStore(db)
    assert s.lists()["eu_fsf"].sha256 == before
    s.close()


def test_update_refuses_plain_http_off_the_machine(db, capsys):
    args = ["--list", "un_sc", "--url", "un_sc=http://example.org/x.xml"]
    assert cli.main(["lists", "update", *args, "--db", db]) == 1
    assert "https" in capsys.readouterr().out


def test_the_former_ofsi_consolidated_list_csv_is_read_too():
    header = (
        "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Non-Latin Script "
        "Type,Non-Latin Script Language,DOB,Town of Birth,Country of Birth,Nationality,Passport "
        "Number,Passport Details,National Identification Number,National Identification "
        "Details,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip "
        "Code,Country,Other Information,Group Type,Alias Type,Alias Quality,Regime,Listed On,UK "
        "Sanctions List Date Designated,Last Updated,Group ID"
    )
    blank = "," * 12
    rows = [
        "Last Updated,26/01/2026",
        header,
        f'"HASSAN",Ali,,,,,,,,,,,,Syria,{blank},,Individual,Primary name,,Syria,'
        "31/12/2020,31/12/2020,01/02/2021,13300",
        f'"HASAN",Aly,,,,,,,,,,,,,{blank},,Individual,AKA,Low,Syria,31/12/2020,31/12/2020,'
        "01/02/2021,13300",
    ]
    parsed = parse_file("\n".join(rows).encode())
    assert (parsed.list_id, parsed.published) == ("uk_sl", dt.date(2026, 1, 26))
    [entry] = parsed.entries
    assert entry.ref == "13300" and entry.kind == "person" and entry.countries == ["SY"]
    assert [(n.text, n.kind) for n in entry.names] == [
        ("Ali HASSAN", "primary"),
        ("Aly HASAN", "weak_alias"),
    ]
    assert entry.listed_on == "2020-12-31"
