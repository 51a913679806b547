"""Reading the embedded files of a PDF within bounds (pypdf), for :mod:`.transport`.

:func:`attachments` returns the PDF's ``/EmbeddedFiles`` by name. It refuses, with
:class:`UploadError` (a message for the user), more than :data:`MAX_ATTACHMENTS` files, a name
tree deeper than 4 or larger than :data:`MAX_NAME_TREE_NODES` nodes, any filter other than one
``FlateDecode``, and any attachment that decompresses to more than
:data:`MAX_ATTACHMENT_BYTES` (the cap is applied while inflating, not after).
"""

from __future__ import annotations

import io
import zlib
from typing import Any

from compliance_app.dossier.answers import AnswersError

MAX_ATTACHMENTS = 8
"""A PDF with more embedded files than this is refused (ours have two or three)."""
MAX_ATTACHMENT_BYTES = 2_500_000
"""Largest decompressed attachment (the answers file is capped at 1 MB, the review, which
holds a frozen copy of the answers, at 2.5 MB)."""
MAX_NAME_TREE_NODES = 64


class UploadError(AnswersError):
    """An upload was refused. ``str(error)`` is a message for the user; nothing was applied."""


def attachments(pdf: bytes) -> dict[str, bytes]:
    """The embedded files of a (sealed) PDF by name, with caps on number and size."""
    try:
        import pypdf
        from pypdf.errors import PyPdfError
        from pypdf.generic import ArrayObject, DictionaryObject
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise UploadError(
            "Reading PDF reports needs the 'pypdf' package, which is not installed here. "
            "Upload the answers file instead."
        ) from exc
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
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
    except UploadError:
        raise
    except (PyPdfError, KeyError, AttributeError, TypeError, ValueError, RecursionError) as exc:
        raise UploadError(
            "This PDF cannot be read (its structure is damaged), so the answers cannot be "
            "taken from it. Upload the answers file instead."
        ) from exc


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
