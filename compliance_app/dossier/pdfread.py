"""Reading the embedded files of a PDF within bounds (pypdf), for :mod:`.transport`.

:func:`attachments` returns the PDF's ``/EmbeddedFiles`` by name. Before pypdf sees the PDF,
:func:`check_inflation` refuses more than :data:`MAX_STREAMS` streams and zlib data that
inflates to more than :data:`MAX_INFLATED` bytes in all (counted, not kept: a small PDF whose
cross-reference or object stream inflates to tens of MB never reaches the reader). pypdf then
runs with caps of :data:`MAX_STREAM_INFLATED` bytes per stream for every filter (a stream
hidden from the first check behind another filter is stopped there) and no byte-by-byte repair
of damaged zlib data. :func:`attachments` refuses, with :class:`UploadError` (a message for the
user), more than :data:`MAX_ATTACHMENTS` files, a name tree deeper than 4 or larger than
:data:`MAX_NAME_TREE_NODES` nodes, any filter other than one ``FlateDecode``, and any attachment
that decompresses to more than :data:`MAX_ATTACHMENT_BYTES` (the cap is applied while
inflating, not after).
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

from compliance_app.dossier.answers import MAX_BYTES as MAX_ANSWERS_BYTES
from compliance_app.dossier.answers import AnswersError

MAX_ATTACHMENTS = 8
"""A PDF with more embedded files than this is refused (ours have two or three)."""
MAX_ATTACHMENT_BYTES = MAX_ANSWERS_BYTES
"""Largest decompressed attachment: the largest answers file (8 MB: a deal of 10 items with
5,000 bill-of-materials lines each is about 3 MB); the review is capped lower (2.5 MB)."""
MAX_NAME_TREE_NODES = 64
MAX_STREAMS = 5_000
"""Most streams a PDF may hold (a report of this tool has a few dozen; ten times larger, 120)."""
MAX_INFLATED = 32_000_000
"""Most bytes all zlib data in a PDF may inflate to (a report of this tool: well under 1 MB;
with the largest answers file attached, about 10 MB)."""
MAX_STREAM_INFLATED = 2_000_000
"""Most bytes pypdf may produce when it decodes one stream, whatever the filter."""
_CHUNK = 65_536
_STREAM_RE = re.compile(rb"(?<![A-Za-z])stream[\r\n \t\f\x00]*")
_PYPDF_CAPS = {
    name: MAX_STREAM_INFLATED
    for name in (
        "maximum_declared_stream_length",
        "array_based_stream_maximum_output_length",
        "jbig2_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "zlib_maximum_output_length",
        "brotli_maximum_output_length",
        "image_maximum_buffer_size",
        "stream_decoding_work_maximum_length",
    )
}
_PYPDF_CAPS["zlib_maximum_recovery_input_length"] = 0  # no byte-by-byte repair (seconds of CPU)


class UploadError(AnswersError):
    """An upload was refused. ``str(error)`` is a message for the user; nothing was applied."""


def check_inflation(pdf: bytes) -> None:
    """Refuse, before any PDF reader runs, more than :data:`MAX_STREAMS` streams or zlib data
    (after any ``stream`` keyword) that inflates to more than :data:`MAX_INFLATED` bytes in all.

    The output is counted in pieces of 64 KB and dropped, so memory stays flat.
    """
    starts = [m.end() for m in _STREAM_RE.finditer(pdf)]
    if len(starts) > MAX_STREAMS:
        raise UploadError(
            f"This PDF holds more than {MAX_STREAMS:,} streams; reports of this tool hold far "
            "fewer. It was refused unread."
        )
    budget = MAX_INFLATED
    view = memoryview(pdf)
    for start in starts:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # zlib or gzip header
        pos = start
        try:
            while not inflater.eof and pos < len(pdf):
                pending = view[pos : pos + _CHUNK]
                pos += _CHUNK
                while pending and not inflater.eof:
                    budget -= len(inflater.decompress(pending, _CHUNK))
                    if budget < 0:
                        raise UploadError(
                            f"This PDF unpacks to more than {MAX_INFLATED:,} bytes; reports of "
                            "this tool unpack to far less. It was refused unread."
                        )
                    pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # not zlib data (or damaged): nothing was inflated


def attachments(pdf: bytes) -> dict[str, bytes]:
    """The embedded files of a (sealed) PDF by name, with caps on number and size."""
    try:
        import pypdf
        from pypdf.errors import PyPdfError
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise UploadError(
            "Reading PDF reports needs the 'pypdf' package, which is not installed here. "
            "Upload the answers file instead."
        ) from exc
    check_inflation(pdf)
    try:
        with pypdf.apply_configuration(**_PYPDF_CAPS):
            return _embedded_files(pypdf.PdfReader(io.BytesIO(pdf), strict=True))
    except UploadError:
        raise
    except (PyPdfError, KeyError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise UploadError(
            "This PDF cannot be read (its structure is damaged), so the answers cannot be "
            "taken from it. Upload the answers file instead."
        ) from exc


def _embedded_files(reader: Any) -> dict[str, bytes]:
    """The name tree walk of :func:`attachments` (pypdf errors are turned into refusals there)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return {}
    pairs: list[tuple[str, Any]] = []
    stack: list[tuple[Any, int]] = [(tree.get_object(), 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        visited += 1
        if visited > MAX_NAME_TREE_NODES or depth > 4 or not isinstance(node, DictionaryObject):
            raise UploadError("The attachments of this PDF are not in a form this tool reads.")
        flat = node.get("/Names")
        if flat is not None:
            flat = flat.get_object()
            if not isinstance(flat, ArrayObject) or len(flat) % 2:
                raise UploadError("The attachment list of this PDF is damaged.")
            for i in range(0, len(flat), 2):
                pairs.append((str(flat[i].get_object()), flat[i + 1]))
                if len(pairs) > MAX_ATTACHMENTS:
                    raise UploadError(
                        f"This PDF has more than {MAX_ATTACHMENTS} attachments; reports of "
                        "this tool have at most three."
                    )
        for kid in node.get("/Kids", ArrayObject()).get_object():
            stack.append((kid.get_object(), depth + 1))
    out: dict[str, bytes] = {}
    for name, ref in pairs:
        if name in out:
            raise UploadError(f"This PDF has two attachments named {name}.")
        spec = ref.get_object()
        stream = spec["/EF"].get_object()["/F"].get_object()
        out[name] = _stream_bytes(stream, name)
    return out


def _stream_bytes(stream: Any, name: str) -> bytes:
    """Decoded content of an embedded file: no filter or a single FlateDecode, capped."""
    raw = stream._data  # the encoded bytes; decoding is done here with a cap
    filters = stream.get("/Filter")
    if filters is not None:
        filters = filters.get_object()
        names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)]
        if names != ["/FlateDecode"] or stream.get("/DecodeParms") is not None:
            raise UploadError(f"The attachment {name} is encoded in a way this tool never uses.")
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw, MAX_ATTACHMENT_BYTES + 1)
        except zlib.error as exc:
            raise UploadError(f"The attachment {name} is damaged (it cannot be unpacked).") from exc
        if len(data) > MAX_ATTACHMENT_BYTES or inflater.unconsumed_tail:
            raise UploadError(
                f"The attachment {name} unpacks to more than {MAX_ATTACHMENT_BYTES:,} bytes; "
                "it was refused."
            )
        return data
    if len(raw) > MAX_ATTACHMENT_BYTES:
        raise UploadError(f"The attachment {name} is larger than {MAX_ATTACHMENT_BYTES:,} bytes.")
    return bytes(raw)
