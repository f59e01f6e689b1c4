"""County and DataVersion now live in ``units``, ImportRecord in ``imports`` (issue 11).

State only: their tables stay as they are (the new models name them with ``db_table``), so an
installed portal keeps every row and every foreign key with ``migrate`` alone.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_order_by_name"),
        ("units", "0001_initial"),
        ("accounts", "0004_county_in_units"),
        ("targets", "0003_county_in_units"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="county",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enterprises",
                        to="units.county",
                        verbose_name="所属旗县市区",
                    ),
                ),
                migrations.DeleteModel(name="ImportRecord"),
                migrations.DeleteModel(name="County"),
                migrations.DeleteModel(name="DataVersion"),
            ],
            database_operations=[],
        ),
    ]
