"""Tables of the report that may run over several pages (helper of the deal sections).

:func:`grid` makes a ReportLab ``LongTable`` whose header row is repeated on every page it runs
onto and whose rows may split across pages (``splitInRow``), so that neither a deal with
hundreds of cells nor a 120-character name or a long description makes a row too large for a
page. Every cell is a ``Paragraph`` in the small "cell" style, so long names wrap inside their
column (a long word is broken). Cell texts are markup made by the caller with ``b.t(...)``
(user and rule-base text escaped); header texts are literals of the report.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, LongTable, TableStyle

from compliance_app.report.style import MARGINS

WIDTH = A4[0] - MARGINS[0] - MARGINS[1]
"""Width of the text frame, in points."""

_STYLE = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#1f2937")),
    ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9ca3af")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def grid(
    b: Any, header: list[str], rows: list[list[str | Flowable]], fractions: list[float]
) -> LongTable:
    """A table with ``header`` (literal markup) over ``rows`` (escaped markup or flowables).

    ``fractions``: the share of the frame width of each column (they are scaled to sum to 1).
    ``b`` is the report's builder (:class:`compliance_app.report.sections.ReportStory`).
    Raises ``ValueError`` if a row has not as many cells as the header.
    """
    if any(len(r) != len(header) for r in rows):
        raise ValueError("every row of a table must have one cell per column")
    total = sum(fractions)
    widths = [WIDTH * f / total for f in fractions]
    data = [[b.p(h, "cellhead") for h in header]]
    data += [[c if isinstance(c, Flowable) else b.p(c, "cell") for c in row] for row in rows]
    return LongTable(
        data,
        colWidths=widths,
        repeatRows=1,
        splitInRow=1,
        # the table's own font (Helvetica by default) is set on the canvas even when every cell
        # is a paragraph: an embedded font keeps the PDF/A-3 report free of unembedded fonts
        style=TableStyle([*_STYLE, ("FONT", (0, 0), (-1, -1), b.st["cell"].fontName, 7.5)]),
        hAlign="LEFT",
        spaceAfter=6,
    )
