"""The kinds of list the importer reads (docs/domain.md §7, issue 4): a registry of plain dicts.

Each kind is one module here holding its column table (``SPEC``, a ``columns.KindSpec``) and
its planner, which the shared row loop (``planning.plan_rows``) drives. A kind is that module,
one line in each dict below and one line in ``importer.kinds_allowed_for`` (the county quotas
of issue 6 were added that way).
"""

from typing import Any

from imports.models import ImportKind
from units.scope import Scope

from ..columns import KindSpec, template_for
from ..counties import Counties
from ..planning import Context, ImportOptions, ImportResult, Planner, Writes, plan_rows
from ..rows import read_rows
from ..workbook import file_sha256
from . import enterprises, hte, quotas, sme

__all__ = ["ENTERPRISES", "HTE", "PLANNERS", "QUOTAS", "SME", "SPECS", "plan_import", "template_for"]

ENTERPRISES = enterprises.SPEC
HTE = hte.SPEC
SME = sme.SPEC
QUOTAS = quotas.SPEC

# The column table of each kind, by its value ("enterprises", "hte", "sme", "quotas").
SPECS: dict[str, KindSpec] = {spec.kind.value: spec for spec in (ENTERPRISES, HTE, SME, QUOTAS)}

# The planner of each kind.
PLANNERS: dict[str, type[Planner[Any]]] = {
    ImportKind.ENTERPRISES: enterprises.EnterprisePlanner,
    ImportKind.HTE: hte.CertificatePlanner,
    ImportKind.SME: sme.RegistrationPlanner,
    ImportKind.QUOTAS: quotas.QuotaPlanner,
}


def plan_import(*, content: bytes, file_name: str, options: ImportOptions, scope: Scope) -> tuple[ImportResult, Writes]:
    """Read ``content`` and plan it: returns (ImportResult, Writes). ``scope`` is the importer's
    (``importer.importer_scope``): the whole city, or the one unit rows may belong to."""
    spec = SPECS[options.kind]
    result = ImportResult(
        kind=options.kind,
        file_name=file_name,
        sha256=file_sha256(content),
        row_headings=spec.row_headings,
        date_heading=spec.column(spec.date_key).label if spec.date_key else "",
        options=options,
    )
    result.sheets, rows = read_rows(content, spec)
    result.rows = [row.result for row in rows]
    ctx = Context(spec=spec, options=options, scope=scope, counties=Counties())
    writes = Writes()
    planner = PLANNERS[options.kind](ctx, rows)
    plan_rows(rows, planner, writes)
    return result, writes
