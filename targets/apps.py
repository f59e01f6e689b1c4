from django.apps import AppConfig


class TargetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "targets"

    def ready(self):
        from units.versioning import count_writes_to

        from .models import AnnualTarget, Baseline, CountyQuota, Plan

        count_writes_to(Plan, AnnualTarget, Baseline, CountyQuota)
