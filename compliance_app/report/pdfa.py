"""PDF/A-3 (level B) for the reports: what ReportLab does not write, added with pikepdf.

ReportLab writes the pages (fonts embedded, DejaVu), the document information and the
attachments (:mod:`compliance_app.report.attach`). :func:`to_pdfa3` then adds:

* XMP metadata (``/Metadata``) matching the document information, with
  ``pdfaid:part 3`` and ``pdfaid:conformance B``;
* an output intent (``/OutputIntents``, ``GTS_PDFA1``) with an sRGB ICC profile (made by
  Pillow's littleCMS binding, so nothing is shipped or fetched);
* the associated files: the catalogue's ``/AF`` array lists every attachment's file
  specification (their ``/AFRelationship`` is written by ``attach.embed``: ``Source`` for the
  answers file, ``Data`` for the review, the rule-base record and the manifest);
* the print flag on every annotation (links), as PDF/A requires.

The manifest stream keeps its placeholders uncompressed (nothing is recompressed), so that
``transport.seal`` can fill in the seal afterwards. No validator (veraPDF) is packaged for
this system; ``tests/test_pdfa.py`` checks these parts with pikepdf.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct

OUTPUT_CONDITION = "sRGB IEC61966-2.1"


@functools.cache
@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (littleCMS's built-in sRGB, through Pillow), with a fixed header date.

    littleCMS writes the creation time into the ICC header (bytes 24-35): it is set to
    2000-01-01 00:00:00 and the optional profile ID (bytes 84-99, an MD5 that covers the date)
    to zeros ("not computed", as the ICC specification allows), so that two builds of the same
    report give the same bytes (pitfall R3).
    """
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = struct.pack(">6H", 2000, 1, 1, 0, 0, 0)
    data[84:100] = bytes(16)
    return bytes(data)


def to_pdfa3(pdf: bytes, *, modified: dt.datetime) -> bytes:
    """``pdf`` (a ReportLab report with its attachments) made PDF/A-3B (see the module doc).

    ``modified``: the date written as the XMP metadata date (the report's generation time),
    so that the same input gives the same bytes.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        _associated_files(doc, pikepdf)
        _print_flags(doc, pikepdf)
        icc = pikepdf.Stream(doc, srgb_profile())
        icc.N = 3
        doc.Root.OutputIntents = pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.OutputIntent,
                    S=pikepdf.Name.GTS_PDFA1,
                    OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
                    Info=pikepdf.String(OUTPUT_CONDITION),
                    DestOutputProfile=doc.make_indirect(icc),
                )
            ]
        )
        if "/Trapped" in doc.docinfo:  # no XMP equivalent in pikepdf; PDF/A needs them equal
            del doc.docinfo["/Trapped"]
        with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta.load_from_docinfo(doc.docinfo)
            meta["pdfaid:part"] = "3"
            meta["pdfaid:conformance"] = "B"
            meta["xmp:MetadataDate"] = modified.isoformat()
        out = io.BytesIO()
        doc.save(
            out,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            deterministic_id=True,
        )
    return out.getvalue()


def _associated_files(doc, pikepdf) -> None:
    names = doc.Root.get("/Names")
    tree = names.get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return
    flat = tree.get("/Names", pikepdf.Array())
    specs = []
    for i in range(0, len(flat), 2):
        specs.append(flat[i + 1])
    doc.Root.AF = pikepdf.Array(specs)


def _print_flags(doc, pikepdf) -> None:
    for page in doc.pages:
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            annot.F = int(annot.get("/F", 0)) | 4
