"""User.county points at units.County (issue 11). State only: the table and its key are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_security_log_and_password_policy"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="user",
                    name="county",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="officials",
                        to="units.county",
                        verbose_name="所属旗县市区",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
