"""CountyQuota.county points at units.County (issue 11). State only: the table and its key are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_load_plan_2023_2025"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="countyquota",
                    name="county",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="quotas",
                        to="units.county",
                        verbose_name="旗县市区",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
