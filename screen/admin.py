from django.contrib import admin, messages

from . import links
from .models import ScreenLink


@admin.register(ScreenLink)
class ScreenLinkAdmin(admin.ModelAdmin):
    """Kiosk links, read-only: they are made on /screen/links/ or with ``screen_link create`` (the
    only places that can show a token), and revoked there or with the action here."""

    list_display = ("name", "created_by", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name",)
    readonly_fields = ("name", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="撤销所选链接")
    def revoke(self, request, queryset):
        for link in queryset.filter(revoked_at__isnull=True):
            links.revoke(link)
        messages.success(request, "已撤销所选链接。")
