"""Readers of the official list files, one module per publisher (see ``docs/screening.md``).

Each reader takes the file's bytes and returns a :class:`~compliance_app.screening.model.ParsedList`
or raises :class:`~compliance_app.screening.model.ListFormatError` with a reason for the user.
:func:`compliance_app.screening.parsers.detect.parse_file` picks the reader from the content.
"""
