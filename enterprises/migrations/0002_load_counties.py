"""Load the nine assessment units of Tongliao (docs/domain.md §2)."""

from django.db import migrations

COUNTIES = [
    ("150502", "科尔沁区"),
    ("150521", "科尔沁左翼中旗"),
    ("150522", "科尔沁左翼后旗"),
    ("150523", "开鲁县"),
    ("150524", "库伦旗"),
    ("150525", "奈曼旗"),
    ("150526", "扎鲁特旗"),
    ("150581", "霍林郭勒市"),
    ("150571", "通辽经济技术开发区"),
]


def load(apps, schema_editor):
    County = apps.get_model("enterprises", "County")
    for order, (code, name) in enumerate(COUNTIES, start=1):
        County.objects.update_or_create(code=code, defaults={"name": name, "order": order})


def unload(apps, schema_editor):
    County = apps.get_model("enterprises", "County")
    County.objects.filter(code__in=[code for code, _ in COUNTIES], enterprises__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
