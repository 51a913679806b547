"""Fonts and safe text for the PDF report (helpers of :mod:`compliance_app.report.builder`).

Two pitfalls are handled here (``/work/shared/cases/pitfalls.md``, ReportLab):

* R1: a ReportLab ``Paragraph`` parses its text as markup, so ``AT&T`` or ``<GmbH>`` would be
  mangled and ``0.1 <A <0.9`` would raise. Every string that does not come from this module's
  own code goes through :meth:`TextSanitizer.markup` (escape ``&``, ``<``, ``>`` and quotes)
  or :func:`url_attr` (link targets) before it reaches a ``Paragraph``.
* R2: the built-in PDF fonts cover Windows-1252 only. The report uses the DejaVu Sans family
  bundled in ``compliance_app/fonts`` (never a system font). A character that the regular *or*
  the bold face cannot draw (CJK, most emoji, control characters, lone surrogates) is
  replaced by a visible substitute such as ``[U+5317]`` and remembered, so that the report can
  say that some characters could not be drawn. Invisible text-direction controls
  (:data:`compliance_app.engine.values.BIDI_CONTROLS`: ``U+202E`` and the like, which the font
  draws as nothing and which reorder the text around them) get the same visible substitute.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph

from compliance_app.engine.values import BIDI_CONTROLS

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "ComplianceDejaVuSans"
BOLD = "ComplianceDejaVuSans-Bold"
"""Names under which the bundled fonts are registered with ReportLab (unique to this app)."""

MAX_TEXT = 50_000
"""At most this many characters of one free-text answer are printed (steps allow 20,000)."""
CHUNK = 2_000
"""Longest piece of a line put into one ``Paragraph`` (see :meth:`TextSanitizer.chunks`)."""

_lock = threading.Lock()

_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
_ESCAPES = {'"': "&quot;", "'": "&#39;"}


@cache
def _fonts() -> tuple[TTFont, TTFont]:
    with _lock:
        regular = TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf"))
        bold = TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        # <b> inside a Paragraph must pick the bold file; there is no italic face bundled,
        # so italic maps to the upright faces rather than to a Type 1 font with no glyphs.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        addMapping(BOLD, 0, 0, REGULAR)
        addMapping(BOLD, 1, 0, BOLD)
        addMapping(BOLD, 0, 1, REGULAR)
        addMapping(BOLD, 1, 1, BOLD)
    return regular, bold


def register_fonts() -> tuple[str, str]:
    """Register the bundled DejaVu Sans regular and bold faces (idempotent).

    Returns the ReportLab font names ``(regular, bold)``. Raises ``OSError`` if the font files
    are missing from the package (a broken installation).
    """
    _fonts()
    return REGULAR, BOLD


@cache
def drawable() -> frozenset[int]:
    """Code points that both the regular and the bold face can draw (from their cmaps)."""
    regular, bold = _fonts()
    return frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)


@cache
def _plain_chars() -> frozenset[str]:
    """Characters :meth:`TextSanitizer.plain` keeps as they are: drawable, not control, and
    the line break."""
    return (
        frozenset(ch for ch in map(chr, drawable()) if unicodedata.category(ch) != "Cc")
        - BIDI_CONTROLS
    ) | {"\n"}


@dataclass
class TextSanitizer:
    """Turns arbitrary strings into safe ``Paragraph`` markup or canvas text.

    One instance is used per report; :attr:`missing` collects every code point that had to be
    replaced, so that the report can explain the ``[U+XXXX]`` substitutes.
    """

    missing: set[int] = field(default_factory=set)

    def plain(self, text: object) -> str:
        """``text`` as a str the fonts can draw: no markup escaping (for canvas drawing).

        Tabs become spaces, other control characters, text-direction controls and characters
        outside the fonts become ``[U+XXXX]``; line breaks are kept.
        """
        s = "" if text is None else str(text)
        s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        if _plain_chars().issuperset(s):  # the usual case: nothing to replace
            return s
        keep = _plain_chars()
        out: list[str] = []
        for ch in s:
            cp = ord(ch)
            if ch in keep:
                out.append(ch)
            else:
                self.missing.add(cp)
                out.append(f"[U+{cp:04X}]")
        return "".join(out)

    def markup(self, text: object) -> str:
        """Escaped ``Paragraph`` markup that prints ``text`` exactly (R1, R2).

        ``&``, ``<``, ``>`` and quotes are escaped, so tags and entities in user text are
        printed, never interpreted; line breaks become ``<br/>``.
        """
        return "<br/>".join(_escape(line) for line in self.plain(text).split("\n"))

    def chunks(self, text: object, *, max_chars: int = MAX_TEXT) -> tuple[list[str], int]:
        """Split a possibly huge free text into pieces of markup, one ``Paragraph`` each.

        Each line becomes its own piece and lines longer than :data:`CHUNK` characters are cut
        into several pieces, so no ``Paragraph`` is big enough to make ReportLab's line
        breaking slow (it is quadratic in the length of an unbroken word) and every piece can
        split across pages. At most ``max_chars`` characters are kept. Returns the pieces
        (empty strings for blank lines) and the number of characters left out.
        """
        s = "" if text is None else str(text)
        dropped = max(0, len(s) - max_chars)
        pieces: list[str] = []
        for line in self.plain(s[:max_chars]).split("\n"):
            if not line:
                pieces.append("")
            for i in range(0, len(line), CHUNK):
                pieces.append(_escape(line[i : i + CHUNK]))
        return pieces, dropped

    def note(self) -> str | None:
        """A sentence about replaced characters, or None if every character could be drawn."""
        if not self.missing:
            return None
        shown = ", ".join(f"U+{cp:04X}" for cp in sorted(self.missing)[:20])
        more = " and others" if len(self.missing) > 20 else ""
        return (
            "Some characters could not be drawn with the report's font, or are invisible "
            "text-direction controls, and are shown as their Unicode code point in square "
            f"brackets instead ({shown}{more}). The answers file keeps the original text."
        )


def url_attr(url: str) -> str:
    """A URL as a safe ``href`` attribute value: characters that are not allowed in a URL
    (spaces, quotes, non-ASCII, control characters) are percent-encoded (UTF-8), then ``&``,
    ``<`` and ``>`` are escaped. A URL that is already valid keeps its exact characters."""
    encoded = quote(url.encode("utf-8", "surrogatepass"), safe=_URL_SAFE)
    return escape(encoded, _ESCAPES)


def _escape(s: str) -> str:
    return escape(s, _ESCAPES)


class WrapOnceParagraph(Paragraph):
    """A ``Paragraph`` that breaks its lines once per width.

    ``KeepTogether`` and the groups that ``keepWithNext`` styles make measure their content
    (``wrap``), then the frame wraps each paragraph again at the same width: over a third of
    all line breaking in a long report was this repeat. ``wrap`` only depends on the width
    (the style and text are fixed), so the second call returns the first one's result; a
    ``split`` (which may drop the broken lines) forgets it.
    """

    _wrap_memo: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        memo = self._wrap_memo
        if memo is not None and memo[0] == availWidth and hasattr(self, "blPara"):
            self.width, self.height = memo[1]
            return memo[1]
        size = super().wrap(availWidth, availHeight)
        normal = hasattr(self, "blPara") and size == (availWidth, self.height)
        self._wrap_memo = (availWidth, size) if normal else None
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self._wrap_memo = None
        return super().split(availWidth, availHeight)
