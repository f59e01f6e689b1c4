from typing import TYPE_CHECKING

from django.contrib import admin

from .models import County

# ModelAdmin is generic for the type checker only (django-stubs); at run time it takes no parameter.
if TYPE_CHECKING:
    CountyAdminBase = admin.ModelAdmin[County]
else:
    CountyAdminBase = admin.ModelAdmin


@admin.register(County)
class CountyAdmin(CountyAdminBase):
    list_display = ("code", "name", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name")
