from django.apps import AppConfig


class UnitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "units"
    verbose_name = "旗县市区"

    def ready(self) -> None:
        from .models import County
        from .versioning import count_writes_to

        count_writes_to(County)
