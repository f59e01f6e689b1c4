from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """User management stays in Django admin, for superusers."""

    fieldsets = (*BaseUserAdmin.fieldsets, ("所属单位", {"fields": ("county",)}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("所属单位", {"fields": ("county",)}))
    list_display = ("username", "first_name", "county", "is_active", "last_login")
    list_filter = ("groups", "county", "is_active", "is_superuser")
    list_select_related = ("county",)
