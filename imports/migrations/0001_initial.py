"""ImportRecord moves here from ``enterprises`` (issue 11).

State only: the table keeps its name (``db_table``), so every record and its foreign keys stay.
The content type follows the model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="enterprises", target="imports"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="importrecord").exists():
        ContentType.objects.filter(app_label=source, model="importrecord").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="imports", target="enterprises")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("enterprises", "0006_move_out_units_and_imports"),
        ("units", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("enterprises", "企业名录"),
                                    ("hte", "高新技术企业认定名单"),
                                    ("sme", "科技型中小企业入库名单"),
                                    ("quotas", "旗县市区任务数"),
                                ],
                                max_length=20,
                                verbose_name="名单类型",
                            ),
                        ),
                        ("file_name", models.CharField(max_length=255, verbose_name="文件名")),
                        ("sha256", models.CharField(max_length=64, verbose_name="文件校验值（SHA-256）")),
                        ("imported_at", models.DateTimeField(auto_now_add=True, verbose_name="导入时间")),
                        ("rows_total", models.PositiveIntegerField(default=0, verbose_name="数据行数")),
                        ("created", models.PositiveIntegerField(default=0, verbose_name="新增")),
                        ("updated", models.PositiveIntegerField(default=0, verbose_name="更新")),
                        ("unchanged", models.PositiveIntegerField(default=0, verbose_name="未变化")),
                        ("warnings", models.PositiveIntegerField(default=0, verbose_name="提示")),
                        ("options", models.JSONField(blank=True, default=dict, verbose_name="导入参数")),
                        (
                            "county",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to="units.county",
                                verbose_name="限定旗县市区",
                            ),
                        ),
                        (
                            "imported_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="导入人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "导入记录",
                        "verbose_name_plural": "导入记录",
                        "ordering": ["-imported_at"],
                        "db_table": "enterprises_importrecord",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
