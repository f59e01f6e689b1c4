"""Case 3: importing a 10,000-row HTE list, against openpyxl + COPY (limit) and django-import-export (peer).

Every arm runs inside a transaction that is rolled back afterwards, so each round starts from
the same data; each arm must have created exactly the list's certificates before the rollback.
The portal reads the list as the bureau receives it (title row, mixed date spellings); the peer,
which needs its header on the first row and one date format, gets the same rows without the
title and with ISO dates — an easier file.
"""

import datetime
import io

import openpyxl
from common import measure, mib, ms
from django.db import connection, transaction

ROWS = 10_000
SPELLINGS = ("{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}.{m:02d}.{d:02d}", "{y}/{m}/{d}")
ISSUED = datetime.date(2026, 11, 20)


INSERT_FROM_STAGING = """
INSERT INTO enterprises_hightechcertification (enterprise_id, number, issued_on, valid_until, kind, batch,
       revoke_reason, revoke_document, created_at, updated_at)
SELECT e.id, s.number, DATE '2026-11-20', DATE '2029-11-19', 'renewal', '', '', '', now(), now()
  FROM staging s JOIN enterprises_enterprise e ON e.credit_code = s.credit_code
"""


class Rollback(Exception):
    pass


def build_lists(rows: int):
    """(the bureau's list, the peer's list) for ``rows`` enterprises already in the registry."""
    from enterprises.models import Enterprise

    # Names the generator starts with "=" or "+" would be formulas once written by openpyxl; a
    # published list never holds formulas, so those enterprises are left out of it.
    enterprises = list(
        Enterprise.objects.exclude(name__regex=r"^[=+@-]")
        .order_by("pk")
        .values_list("name", "credit_code", "county__name")[:rows]
    )
    portal = openpyxl.Workbook()
    sheet = portal.active
    sheet.append(["内蒙古自治区2026年第二批拟认定高新技术企业名单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "企业名称", "统一社会信用代码", "证书编号", "发证日期", "所在地区"])
    peer = openpyxl.Workbook()
    peer_sheet = peer.active
    peer_sheet.append(["企业名称", "统一社会信用代码", "证书编号", "发证日期"])
    for n, (name, code, county) in enumerate(enterprises, start=1):
        number = f"GR202615{900000 + n:06d}"
        spelled = SPELLINGS[n % 4].format(y=ISSUED.year, m=ISSUED.month, d=ISSUED.day)
        sheet.append([n, name.replace("（", "(").replace("）", ")"), code, number, spelled, county])
        peer_sheet.append([name, code, number, ISSUED.isoformat()])
    out = []
    for book in (portal, peer):
        buffer = io.BytesIO()
        book.save(buffer)
        out.append(buffer.getvalue())
    return out[0], out[1], len(enterprises)


def rolled_back(func):
    """Run ``func`` in a transaction, count the certificates it created, roll everything back."""
    from enterprises.models import HighTechCertification

    def wrapped():
        created = None
        try:
            with transaction.atomic():
                before = HighTechCertification.objects.count()
                func()
                created = HighTechCertification.objects.count() - before
                raise Rollback
        except Rollback:
            pass
        return created

    return wrapped


def certificate_resource(tuned: bool):
    from import_export import fields, resources, widgets

    from enterprises import rules
    from enterprises.models import Enterprise, HighTechCertification

    class Meta:
        model = HighTechCertification
        import_id_fields = ("number",)
        fields = ("enterprise", "number", "issued_on")
        if tuned:
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            force_init_instance = True

    def before_save_instance(self, instance, row, **kwargs):
        # The model derives valid_until in save(); bulk mode skips save(), so derive it here.
        instance.valid_until = rules.hte_valid_until(instance.issued_on)

    attrs = {
        "Meta": Meta,
        "enterprise": fields.Field(
            column_name="统一社会信用代码",
            attribute="enterprise",
            widget=widgets.ForeignKeyWidget(Enterprise, field="credit_code"),
        ),
        "number": fields.Field(column_name="证书编号", attribute="number"),
        "issued_on": fields.Field(column_name="发证日期", attribute="issued_on", widget=widgets.DateWidget("%Y-%m-%d")),
        "before_save_instance": before_save_instance,
    }
    return type("CertificateResource", (resources.ModelResource,), attrs)()


def case_import(users, rounds):
    import tablib

    from imports.importer import ImportOptions, import_commit

    portal_file, peer_file, rows = build_lists(ROWS)

    def portal():
        result = import_commit(user=None, content=portal_file, file_name="list.xlsx", options=ImportOptions(kind="hte"))
        assert not result.has_errors and result.counts["create"] == rows, result.summary()

    def limit():
        book = openpyxl.load_workbook(io.BytesIO(portal_file), read_only=True, data_only=True)
        buffer = io.StringIO()
        for values in book.active.iter_rows(min_row=3, values_only=True):
            buffer.write("\t".join("" if v is None else str(v) for v in values) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE staging (n int, name text, credit_code text, number text, issued text, county text)"
                " ON COMMIT DROP"
            )
            cursor.cursor.copy_expert("COPY staging FROM STDIN", buffer)
            cursor.execute(INSERT_FROM_STAGING)

    def peer(tuned):
        def run():
            dataset = tablib.Dataset().load(peer_file, format="xlsx")
            result = certificate_resource(tuned).import_data(dataset, dry_run=False, raise_errors=True)
            assert not result.has_errors()

        return run

    peer_rounds = max(1, min(rounds, 2))
    arms = [
        measure("openpyxl read-only + COPY into staging (limit)", rolled_back(limit), rounds=rounds),
        measure("portal import_commit (validate, match, write, audit)", rolled_back(portal), rounds=rounds),
        measure("django-import-export, default (peer)", rolled_back(peer(False)), rounds=peer_rounds, warmup=0),
        measure("django-import-export, bulk mode (tuned peer)", rolled_back(peer(True)), rounds=peer_rounds, warmup=0),
    ]
    for arm in arms:
        assert arm.check == rows, (arm.name, arm.check, rows)
    limit_arm, portal_arm, _, tuned_arm = arms
    lines = [
        f"### 3. Import of a {rows:,}-row HTE list "
        f"(enterprises already registered; each arm creates {rows:,} certificates)",
        "",
        "| arm | median ms | rows/s | × limit | peak MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    for arm in arms:
        ratio = arm.median / limit_arm.median
        lines.append(f"| {arm.name} | {ms(arm.median)} | {rows / arm.median:,.0f} | {ratio:,.2f} | {mib(arm.peak)} |")
    lines.append("")
    lines.append(
        f"portal vs tuned peer: **{tuned_arm.median / portal_arm.median:.2f}× faster** (goal ≥ 3); "
        f"portal ÷ limit: **{portal_arm.median / limit_arm.median:.2f}** (goal ≤ 4)"
    )
    return "\n".join(lines)
