"""Labels, sentences and paragraph styles of the PDF report (helper of ``report``).

The sentences explaining the overall result follow the decision map, sections 3.1 and 3.2.
All strings here are trusted literals and may contain ReportLab markup.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

MARGINS = (50.0, 50.0, 62.0, 58.0)  # left, right, top, bottom, in points
LINK = "#1a4f8b"

PARTS_DIFFER = (
    "This is the deal as a whole: its items and destinations differ (see the results per item "
    "and destination)."
)
"""Added to the jurisdiction when the cells of a deal have different jurisdictions."""
JURISDICTION = {
    "ITAR": (
        "ITAR",
        "Items, technical data or services in this case are subject to the ITAR "
        "(US State Department, 22 CFR 120-130).",
    ),
    "EAR": (
        "EAR",
        "Items in this case are subject to the EAR and listed on the Commerce Control List "
        "(US Commerce Department, 15 CFR 730-774).",
    ),
    "EAR99": (
        "EAR99",
        "Items in this case are subject to the EAR but not listed on the Commerce Control List "
        "(EAR99).",
    ),
    "not_subject": (
        "Not subject to US export controls",
        "On the answers given, nothing in this case is subject to the ITAR or the EAR.",
    ),
    "mixed": (
        "Mixed (ITAR and EAR)",
        "Parts of this case are subject to the ITAR and parts to the EAR; each part follows "
        "its own rules.",
    ),
    "undetermined": (
        "Undetermined",
        "The jurisdiction cannot be decided until the open questions below are answered.",
    ),
}
AUTHORIZATION = {
    "yes": (
        "Yes",
        "A US licence, agreement or other authorisation is required on the facts given.",
    ),
    "no": ("No", "On the facts given, no US authorisation is needed."),
    "likely": (
        "Likely",
        "A US authorisation is probably needed, pending a detail the answers leave open.",
    ),
    "depends": (
        "Depends",
        "Whether a US authorisation is needed turns on a choice or a condition named in the "
        "findings.",
    ),
    "undetermined": (
        "Undetermined",
        "A decisive fact is unknown: answer the open questions below before relying on this.",
    ),
}
SEVERITY = {
    "critical": ("CRITICAL", "#9b1c1c"),
    "high": ("HIGH", "#c2410c"),
    "medium": ("MEDIUM", "#a16207"),
    "low": ("LOW", "#1d4ed8"),
    "info": ("INFO", "#4b5563"),
}
BLOCKS = {
    "jurisdiction": "the jurisdiction",
    "authorization": "whether a US authorisation is needed",
    "finding": "a finding",
}


def styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    """The paragraph styles of the report, by name, using the given registered fonts."""
    base = ParagraphStyle(
        "body",
        fontName=regular,
        fontSize=9.5,
        leading=12.5,
        alignment=TA_LEFT,
        spaceAfter=3,
        splitLongWords=1,
        allowWidows=1,
        allowOrphans=1,
    )

    def s(name: str, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "title": s("title", fontName=bold, fontSize=20, leading=24, spaceAfter=10),
        "h1": s(
            "h1",
            fontName=bold,
            fontSize=14,
            leading=18,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "h2": s(
            "h2",
            fontName=bold,
            fontSize=11,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "label": s("label", fontName=bold, spaceBefore=3, spaceAfter=1, keepWithNext=1),
        "field": s("field", spaceAfter=1.5),
        "small": s("small", fontSize=8, leading=10, textColor=colors.HexColor("#444444")),
        "check": s(
            "check", leftIndent=16, bulletIndent=2, bulletFontName=regular, bulletFontSize=10
        ),
        "ref": s("ref", leftIndent=18, fontSize=8.5, leading=11),
        "answer": s("answer", leftIndent=18, spaceAfter=0.5),
        "unknown": s(
            "unknown",
            leftIndent=18,
            backColor=colors.HexColor("#fff3b0"),
            borderPadding=(1, 2, 1, 2),
            spaceAfter=1,
        ),
        "warn": s("warn", fontName=bold, textColor=colors.HexColor("#9b1c1c")),
        "box": s("box", fontSize=10, leading=13),
        "cell": s("cell", fontSize=7.5, leading=9.2, spaceAfter=0),
        "cellhead": s("cellhead", fontName=bold, fontSize=7.5, leading=9.2, spaceAfter=0),
        "disclaimer": s(
            "disclaimer", fontSize=8.5, leading=11, textColor=colors.HexColor("#333333")
        ),
    }
