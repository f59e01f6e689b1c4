from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import SecurityEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """User management stays in Django admin, for superusers."""

    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("所属单位", {"fields": ("county",)}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("所属单位", {"fields": ("county",)}))
    list_display = ("username", "first_name", "county", "is_active", "last_login")
    list_filter = ("groups", "county", "is_active", "is_superuser")
    list_select_related = ("county",)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log, readable by administrators and editable by no one."""

    list_display = ("at", "kind", "outcome", "username", "role", "address", "path")
    list_filter = ("kind", "outcome", "role")
    search_fields = ("username", "address", "path")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
