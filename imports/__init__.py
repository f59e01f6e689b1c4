"""Importing the Excel lists the bureau receives (docs/domain.md §7).

- ``workbook``: opening untrusted .xlsx files safely, finding the header, reading cells;
- ``cells``: reading one cell of a column (text, credit code, date, year, choice …);
- ``columns``: what a kind of list is made of (``Column``, ``KindSpec``) and the shared columns;
- ``kinds``: one module per kind of list — its column table and its planner — and their registry;
- ``planning``: the shared types of a plan, its context and the one row loop every kind runs;
- ``rows``, ``counties``, ``matching``, ``numbered``, ``changes``: what the planners share —
  reading rows, recognising units, matching enterprises, numbered records, describing changes;
- ``importer``: the preview and commit services (``import_preview``, ``import_commit``);
- ``staging``: keeping an uploaded file between its preview and its confirmation.
"""
