"""Page decoration of the PDF report: header, footer and "Page x of y".

A helper of :mod:`compliance_app.report.builder`. The total page count is only known at the end, so
:class:`NumberedCanvas` keeps every finished page's state and draws the header and footer on
all of them in :meth:`NumberedCanvas.save` (the usual one-pass ReportLab recipe).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from compliance_app.report.attach import Attachment, embed

SHORT_DISCLAIMER = "Guidance only — not legal advice. Check with an export-control adviser."


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it is at most ``width`` points wide."""
    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(text[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…"


class NumberedCanvas(Canvas):
    """A canvas that adds the running header and footer once the page count is known.

    Extra keyword arguments (pass them with ``functools.partial`` as the ``canvasmaker``):

    * ``header_left`` / ``header_right``: plain text (already made drawable, no markup)
    * ``footer``: the short disclaimer
    * ``font`` / ``bold_font``: registered font names
    * ``margins``: ``(left, right, top, bottom)`` in points
    * ``attachments``: files to embed in the PDF (:func:`compliance_app.report.attach.embed`)
    * ``attachment_date``: their ``/ModDate`` (PDF date string, e.g. ``D:20261130141200Z``)
    """

    def __init__(
        self,
        *args: Any,
        header_left: str = "",
        header_right: str = "",
        footer: str = SHORT_DISCLAIMER,
        font: str = "Helvetica",
        bold_font: str = "Helvetica-Bold",
        margins: tuple[float, float, float, float] = (56.0, 56.0, 56.0, 56.0),
        attachments: Sequence[Attachment] = (),
        attachment_date: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._header_left = header_left
        self._header_right = header_right
        self._footer = footer
        self._font = font
        self._bold_font = bold_font
        self._margins = margins
        self._attachments = list(attachments)
        self._attachment_date = attachment_date

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        if self._attachments:
            embed(self, self._attachments, self._attachment_date)
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = self._pagesize
        left, right, top, bottom = self._margins
        usable = width - left - right
        self.saveState()
        self.setStrokeColor(colors.HexColor("#999999"))
        self.setLineWidth(0.5)
        self.setFillColor(colors.HexColor("#444444"))
        # header
        y = height - top + 18
        right_text = fit(self._header_right, self._font, 8, usable / 3)
        self.setFont(self._font, 8)
        self.drawRightString(width - right, y, right_text)
        room = usable - stringWidth(right_text, self._font, 8) - 12
        self.setFont(self._bold_font, 8)
        self.drawString(left, y, fit(self._header_left, self._bold_font, 8, room))
        self.line(left, y - 4, width - right, y - 4)
        # footer
        y = bottom - 22
        self.line(left, y + 10, width - right, y + 10)
        page = f"Page {self._pageNumber} of {total}"
        self.setFont(self._bold_font, 8)
        self.drawRightString(width - right, y, page)
        room = usable - stringWidth(page, self._bold_font, 8) - 12
        self.setFont(self._font, 8)
        self.drawString(left, y, fit(self._footer, self._font, 8, room))
        self.restoreState()
