"""Case 4: the Excel progress report, against a raw cursor + bare openpyxl write-only (limit) and
django-import-export's xlsx export (peer). Each arm writes a temporary file; the row counts of the
two lists (valid HTEs at 12-31, the year's SME registrations) are checked against the portal's."""

import datetime
import tempfile

from common import measure
from django.db import connection
from openpyxl import Workbook

YEAR = 2025
AS_OF = datetime.date(YEAR, 12, 31)

HTE_SQL = """
SELECT c.enterprise_id, k.name, e.name, e.credit_code, c.number, c.issued_on, c.valid_until, c.kind
  FROM enterprises_hightechcertification c
  JOIN enterprises_enterprise e ON e.id = c.enterprise_id JOIN enterprises_county k ON k.id = e.county_id
 WHERE c.issued_on <= %(d)s AND c.valid_until >= %(d)s AND (c.revoked_on IS NULL OR c.revoked_on > %(d)s)
 ORDER BY k."order", k.code, e.name, c.enterprise_id, c.valid_until DESC
"""
SME_SQL = """
SELECT k.name, e.name, e.credit_code, r.number, r.year, r.registered_on
  FROM enterprises_techsmeregistration r
  JOIN enterprises_enterprise e ON e.id = r.enterprise_id JOIN enterprises_county k ON k.id = e.county_id
 WHERE r.year = %(y)s AND r.registered_on <= %(d)s AND (r.revoked_on IS NULL OR r.revoked_on > %(d)s)
 ORDER BY k."order", k.code, e.name, r.id
"""


def limit() -> dict[str, int]:
    workbook = Workbook(write_only=True)
    counts = {}
    hte = workbook.create_sheet("高新技术企业名单")
    previous, n = None, 0
    with connection.cursor() as cursor:  # a server-side cursor would be the same; rows stream in chunks
        cursor.execute(HTE_SQL, {"d": AS_OF})
        while rows := cursor.fetchmany(2000):
            for enterprise_id, *values in rows:
                if enterprise_id == previous:
                    continue
                previous, n = enterprise_id, n + 1
                hte.append([n, *values])
    counts["高新技术企业名单"] = n
    sme = workbook.create_sheet("科技型中小企业名单")
    n = 0
    with connection.cursor() as cursor:
        cursor.execute(SME_SQL, {"d": AS_OF, "y": YEAR})
        while rows := cursor.fetchmany(2000):
            for values in rows:
                n += 1
                sme.append([n, *values])
    counts["科技型中小企业名单"] = n
    with tempfile.TemporaryFile() as output:
        workbook.save(output)
    return counts


def peer() -> dict[str, int]:
    import tablib
    from import_export import fields, resources

    from enterprises.models import HighTechCertification, TechSMERegistration
    from reports import counting

    class CertificateResource(resources.ModelResource):
        county = fields.Field(attribute="enterprise__county__name", column_name="旗县市区")
        name = fields.Field(attribute="enterprise__name", column_name="企业名称")
        code = fields.Field(attribute="enterprise__credit_code", column_name="统一社会信用代码")

        class Meta:
            model = HighTechCertification
            fields = ("county", "name", "code", "number", "issued_on", "valid_until", "kind")

    class RegistrationResource(resources.ModelResource):
        county = fields.Field(attribute="enterprise__county__name", column_name="旗县市区")
        name = fields.Field(attribute="enterprise__name", column_name="企业名称")
        code = fields.Field(attribute="enterprise__credit_code", column_name="统一社会信用代码")

        class Meta:
            model = TechSMERegistration
            fields = ("county", "name", "code", "number", "year", "registered_on")

    certificates = (
        counting.valid_high_tech_certificates(AS_OF)
        .select_related("enterprise__county")
        .order_by("enterprise__county__order", "enterprise__name")
    )
    registrations = (
        counting.sme_registrations(YEAR, AS_OF)
        .select_related("enterprise__county")
        .order_by("enterprise__county__order", "enterprise__name")
    )
    hte = CertificateResource().export(certificates)
    hte.title = "高新技术企业名单"
    sme = RegistrationResource().export(registrations)
    sme.title = "科技型中小企业名单"
    book = tablib.Databook((hte, sme))
    with tempfile.TemporaryFile() as output:
        output.write(book.export("xlsx"))
    return {"certificates": len(hte), "科技型中小企业名单": len(sme)}


def case_export(users, rounds):
    from enterprises.models import HighTechCertification
    from reports import counting, excel
    from units.scope import Scope

    def portal():
        with tempfile.TemporaryFile() as output:
            return excel.write_progress_workbook(output, year=YEAR, as_of=AS_OF, scope=Scope.of(users["leader"]))

    arms = [
        measure("raw cursor + bare openpyxl write-only (limit)", limit, rounds=rounds),
        measure("portal progress workbook (5 sheets, styles, charts)", portal, rounds=rounds),
        measure("django-import-export xlsx export (peer)", peer, rounds=max(1, min(rounds, 3))),
    ]
    limit_arm, portal_arm, peer_arm = arms
    for sheet in ("高新技术企业名单", "科技型中小企业名单"):
        assert portal_arm.check[sheet] == limit_arm.check[sheet], (sheet, portal_arm.check, limit_arm.check)
    assert peer_arm.check["科技型中小企业名单"] == limit_arm.check["科技型中小企业名单"]
    assert peer_arm.check["certificates"] == counting.valid_high_tech_certificates(AS_OF).count()
    assert HighTechCertification.objects.exists()
    return arms, portal_arm.check
