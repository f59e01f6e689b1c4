from django.apps import AppConfig


class ScreenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "screen"
    verbose_name = "大屏展示"
