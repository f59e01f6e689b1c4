"""Importing the Excel lists the bureau receives (docs/domain.md §7).

- ``workbook``: opening untrusted .xlsx files safely, finding the header, reading cells;
- ``kinds``: the column table of each kind of list;
- ``importer``: the preview and commit services (``import_preview``, ``import_commit``);
- ``staging``: keeping an uploaded file between its preview and its confirmation.
"""
