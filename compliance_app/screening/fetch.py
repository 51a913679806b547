"""``lists update``: download each list from its official address and import it.

This is the only code of the project that opens a connection off the machine, and only when a
user runs ``python -m compliance_app lists update``; the wizard never does. Each address can be
replaced (``--url us_csl=...`` or ``COMPLIANCE_LIST_URL_US_CSL``), for a mirror or for the tests,
which serve the fixtures from 127.0.0.1. Plain ``http://`` is refused except on the loopback
address. Downloads are capped in size and time; a list that fails keeps the import in use.
"""

from __future__ import annotations

import email.utils
import ipaddress
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from compliance_app.screening.model import KNOWN_LISTS, ListFormatError
from compliance_app.screening.parsers.detect import MAX_BYTES, parse_file
from compliance_app.screening.store import ListStore, StoredList

OFFICIAL_URLS: dict[str, str] = {
    "us_csl": "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json",
    "eu_fsf": "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
    "?token=dG9rZW4tMjAxNw",
    "uk_sl": "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
    "un_sc": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
}
"""The official download address of each list (see the README, "Restricted-party screening")."""
TIMEOUT_SECONDS = 120


class FetchError(Exception):
    """A download failed. ``str(error)`` says why."""


@dataclass(frozen=True)
class UpdateResult:
    list_id: str
    url: str
    stored: StoredList | None
    problem: str = ""


def url_for(list_id: str, overrides: dict[str, str] | None = None) -> str:
    """``overrides`` (from ``--url``), else ``COMPLIANCE_LIST_URL_<ID>``, else the official one."""
    if overrides and list_id in overrides:
        return overrides[list_id]
    return os.environ.get(f"COMPLIANCE_LIST_URL_{list_id.upper()}") or OFFICIAL_URLS[list_id]


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http":
        try:
            if ipaddress.ip_address(parts.hostname or "").is_loopback:
                return
        except ValueError:
            if parts.hostname == "localhost":
                return
    raise FetchError(f"Only https:// addresses are used (or http:// on this machine): {url}")


def download(url: str, max_bytes: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """The body and the Last-Modified header of ``url``. Raises FetchError."""
    _check_url(url)
    headers = {"User-Agent": "compliance-app lists update"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 # nosec B310: https or loopback only
            data = response.read(max_bytes + 1)
            modified = response.headers.get("Last-Modified")
    except urllib.error.HTTPError as exc:
        raise FetchError(f"the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"the address could not be reached ({reason})") from exc
    if len(data) > max_bytes:
        raise FetchError(f"the file is larger than {max_bytes:,} bytes")
    return data, modified


def update(
    store: ListStore, list_ids: list[str] | None = None, overrides: dict[str, str] | None = None
) -> list[UpdateResult]:
    """Download and import each list; one failure does not stop the others."""
    out = []
    for list_id in list_ids or list(KNOWN_LISTS):
        url = url_for(list_id, overrides)
        try:
            data, modified = download(url)
            parsed = parse_file(data)
            if parsed.list_id != list_id:
                raise ListFormatError(
                    f"the file is the {parsed.label}, not the {KNOWN_LISTS[list_id]}"
                )
            if parsed.published is None and modified:
                try:
                    parsed.published = email.utils.parsedate_to_datetime(modified).date()
                except (TypeError, ValueError):
                    pass  # no usable date: the import date counts
            name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1] or list_id
            out.append(UpdateResult(list_id, url, store.import_list(parsed, data, name)))
        except (FetchError, ListFormatError) as exc:
            out.append(UpdateResult(list_id, url, None, str(exc)))
    return out
