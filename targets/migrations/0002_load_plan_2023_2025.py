"""Load the 2023–2025 action plan (通创办发〔2023〕1号, ../shared/plan/).

Baselines are the figures the plan quotes (end of 2020 and 2022); targets are its
annual schedule. The plan publishes no county quotas, so none are loaded.
"""

import datetime

from django.db import migrations

PLAN_NAME = "通辽市培育高新技术企业和入库科技型中小企业三年行动方案"
BASELINES = {2020: {"high_tech": 37, "tech_sme": 20}, 2022: {"high_tech": 53, "tech_sme": 58}}
TARGETS = {
    2023: {"high_tech": 63, "tech_sme": 80},
    2024: {"high_tech": 80, "tech_sme": 130},
    2025: {"high_tech": 100, "tech_sme": 200},
}


def load(apps, schema_editor):
    Plan = apps.get_model("targets", "Plan")
    plan, _ = Plan.objects.update_or_create(
        name=PLAN_NAME,
        defaults={
            "document_number": "通创办发〔2023〕1号",
            "issued_on": datetime.date(2023, 3, 22),
            "first_year": 2023,
            "last_year": 2025,
        },
    )
    for model_name, table in (("Baseline", BASELINES), ("AnnualTarget", TARGETS)):
        model = apps.get_model("targets", model_name)
        for year, values in table.items():
            for indicator, value in values.items():
                model.objects.update_or_create(plan=plan, year=year, indicator=indicator, defaults={"value": value})


def unload(apps, schema_editor):
    apps.get_model("targets", "Plan").objects.filter(name=PLAN_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
