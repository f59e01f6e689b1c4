from django.contrib import admin

from .models import AnnualTarget, Baseline, CountyQuota, Plan


class AnnualTargetInline(admin.TabularInline):
    model = AnnualTarget
    extra = 0


class BaselineInline(admin.TabularInline):
    model = Baseline
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "document_number", "first_year", "last_year")
    search_fields = ("name", "document_number")
    inlines = [BaselineInline, AnnualTargetInline]


@admin.register(CountyQuota)
class CountyQuotaAdmin(admin.ModelAdmin):
    list_display = ("plan", "year", "county", "indicator", "value")
    list_filter = ("plan", "year", "county", "indicator")
    list_select_related = ("plan", "county")
