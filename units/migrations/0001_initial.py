"""County and DataVersion move here from ``enterprises`` (issue 11).

State only: the tables keep their names (``db_table``), so every row and every foreign key
stays where it is. The content types follow the models, so audit entries and permissions of
counties keep pointing at them.
"""

from django.db import migrations, models

MOVED = ("county", "dataversion")


def move_content_types(apps, schema_editor, source="enterprises", target="units"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="units", target="enterprises")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("enterprises", "0005_order_by_name"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="County",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=6, unique=True, verbose_name="代码")),
                        ("name", models.CharField(max_length=50, unique=True, verbose_name="名称")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                        ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                    ],
                    options={
                        "verbose_name": "旗县市区",
                        "verbose_name_plural": "旗县市区",
                        "db_table": "enterprises_county",
                        "ordering": ["order", "code"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("code__regex", "^[0-9]{6}$")),
                                name="county_code_six_digits",
                                violation_error_message="代码应为6位数字",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DataVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("token", models.CharField(default="initial", max_length=32)),
                        ("changed_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "verbose_name": "数据版本",
                        "verbose_name_plural": "数据版本",
                        "db_table": "enterprises_dataversion",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
