from django.contrib import admin

from .models import County


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name")
