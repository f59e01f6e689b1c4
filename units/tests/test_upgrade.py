"""Upgrading a database filled under the schema before issue 11 keeps every row and every key.

The test migrates the test database back to the last migrations of that schema, fills it
through the historical models (a county official, enterprises, certificates, registrations,
quotas, an import record and audit entries), migrates forward to today's schema and compares
every affected table row by row; then reads the rows back through today's models.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_ISSUE_11 = [
    ("enterprises", "0005_order_by_name"),
    ("accounts", "0003_security_log_and_password_policy"),
    ("targets", "0002_load_plan_2023_2025"),
    ("reports", "0001_assessment"),
    ("units", None),
    ("imports", None),
]
TABLES = (
    "enterprises_county",
    "enterprises_dataversion",
    "enterprises_enterprise",
    "enterprises_hightechcertification",
    "enterprises_techsmeregistration",
    "enterprises_importrecord",
    "targets_countyquota",
    "accounts_user",
    "auditlog_logentry",
    "django_content_type",
)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def snapshot(columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of TABLES as text, in id order; with ``columns``, only those columns of each table
    (a later migration may add columns: the ones that were there must keep their values)."""
    with connection.cursor() as cursor:
        rows = {}
        for table in TABLES:
            names = ", ".join(connection.ops.quote_name(c) for c in columns[table]) if columns else "*"
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(table)} ORDER BY id")
            rows[table] = [tuple(str(value) for value in row) for row in cursor.fetchall()]
        return rows


def column_names() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return {
            table: [c.name for c in connection.introspection.get_table_description(cursor, table)] for table in TABLES
        }


def fill(apps) -> None:
    County = apps.get_model("enterprises", "County")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Certificate = apps.get_model("enterprises", "HighTechCertification")
    Registration = apps.get_model("enterprises", "TechSMERegistration")
    ImportRecord = apps.get_model("enterprises", "ImportRecord")
    User = apps.get_model("accounts", "User")
    Plan = apps.get_model("targets", "Plan")
    Quota = apps.get_model("targets", "CountyQuota")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    DataVersion = apps.get_model("enterprises", "DataVersion")

    DataVersion.objects.update_or_create(pk=1, defaults={"token": "before-upgrade"})
    county = County.objects.get(code="150502")
    official = User.objects.create(username="upgrade-official", county=county)
    enterprise = Enterprise.objects.create(
        credit_code="91150502MA0000001X", name="升级测试有限公司", name_key="升级测试有限公司", county=county
    )
    Certificate.objects.create(
        enterprise=enterprise,
        number="GR202315000001",
        issued_on=datetime.date(2023, 11, 20),
        valid_until=datetime.date(2026, 11, 19),
    )
    Registration.objects.create(
        enterprise=enterprise, year=2025, number="2025150502000001", registered_on=datetime.date(2025, 6, 1)
    )
    Quota.objects.create(
        plan=Plan.objects.get(first_year=2023), county=county, year=2025, indicator="high_tech", value=7
    )
    ImportRecord.objects.create(
        kind="hte", file_name="名单.xlsx", sha256="a" * 64, imported_by=official, county=county, rows_total=1
    )
    county_type, _ = ContentType.objects.get_or_create(app_label="enterprises", model="county")
    LogEntry.objects.create(
        content_type=county_type, object_pk=str(county.pk), object_id=county.pk, object_repr=county.name, action=1
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrade_from_the_schema_before_issue_11_keeps_every_row_and_key():
    leaves = latest()
    old_apps = migrate(BEFORE_ISSUE_11)
    fill(old_apps)
    before = snapshot()
    columns = column_names()
    assert before["enterprises_importrecord"] and before["auditlog_logentry"]

    migrate(leaves)
    after = snapshot(columns)
    # Only the moved content types change: their app label follows the model, same ids.
    moved = {
        ("enterprises", "county"): "units",
        ("enterprises", "dataversion"): "units",
        ("enterprises", "importrecord"): "imports",
    }
    expected_types = [(pk, moved.get((app, model), app), model) for pk, app, model in before.pop("django_content_type")]
    assert after.pop("django_content_type") == expected_types
    assert after == before

    from auditlog.models import LogEntry

    from enterprises.models import Enterprise
    from imports.models import ImportRecord
    from units.models import County

    county = County.objects.get(code="150502")
    assert Enterprise.objects.get(credit_code="91150502MA0000001X").county == county
    record = ImportRecord.objects.get()
    assert (record.county, record.imported_by.county) == (county, county)
    assert county.quotas.get(year=2025).value == 7
    assert LogEntry.objects.get_for_object(county).count() == 1


BEFORE_ISSUE_12 = [("enterprises", "0006_move_out_units_and_imports"), ("imports", "0001_initial")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upgrade_to_issue_12_keeps_one_first_certificate_derives_the_stage_and_opens_unit_periods():
    leaves = latest()
    old_apps = migrate(BEFORE_ISSUE_12)
    County = old_apps.get_model("units", "County")
    Enterprise = old_apps.get_model("enterprises", "Enterprise")
    Certificate = old_apps.get_model("enterprises", "HighTechCertification")
    kailu = County.objects.get(code="150523")
    twice = Enterprise.objects.create(
        credit_code="91150523MA0000002X",
        name="两次首次认定有限公司",
        name_key="两次首次认定有限公司",
        county=kailu,
        stage="certified",
    )
    for number, issued, until in (
        ("GR201815000001", datetime.date(2018, 11, 1), datetime.date(2021, 10, 31)),
        ("GR202115000002", datetime.date(2021, 11, 1), datetime.date(2024, 10, 31)),
    ):
        Certificate.objects.create(enterprise=twice, number=number, issued_on=issued, valid_until=until, kind="first")

    migrate(leaves)

    from enterprises.models import CertificationKind, UnitPeriod
    from enterprises.models import Enterprise as NewEnterprise

    kinds = dict(NewEnterprise.objects.get(pk=twice.pk).certifications.values_list("number", "kind"))
    assert kinds == {"GR201815000001": CertificationKind.FIRST, "GR202115000002": CertificationKind.RENEWAL}
    assert NewEnterprise.objects.get(pk=twice.pk).stage == "key"
    period = UnitPeriod.objects.get(enterprise_id=twice.pk)
    assert (period.county_id, period.starts_on, period.ends_on) == (kailu.pk, None, None)
