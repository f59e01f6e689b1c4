from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "enterprises"
    verbose_name = "企业名录"

    def ready(self):
        from units.versioning import count_writes_to

        from .models import Enterprise, HighTechCertification, TechSMERegistration

        count_writes_to(Enterprise, HighTechCertification, TechSMERegistration)
