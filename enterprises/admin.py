from django.contrib import admin

from .models import Enterprise, HighTechCertification, TechSMERegistration


class CertificationInline(admin.TabularInline):
    model = HighTechCertification
    extra = 0
    fields = ("number", "issued_on", "valid_until", "kind", "batch", "revoked_on", "revoke_reason")
    readonly_fields = ("valid_until",)


class RegistrationInline(admin.TabularInline):
    model = TechSMERegistration
    extra = 0
    fields = ("year", "number", "registered_on", "revoked_on", "revoke_reason")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "county", "stage", "tech_field", "is_demo", "updated_at")
    list_filter = ("county", "stage", "tech_field", "is_demo")
    search_fields = ("name", "credit_code", "certifications__number", "registrations__number")
    list_select_related = ("county",)
    readonly_fields = ("name_key", "is_demo", "created_at", "updated_at")
    inlines = [CertificationInline, RegistrationInline]


@admin.register(HighTechCertification)
class HighTechCertificationAdmin(admin.ModelAdmin):
    list_display = ("number", "enterprise", "issued_on", "valid_until", "kind", "batch", "revoked_on")
    list_filter = ("kind", ("issued_on", admin.DateFieldListFilter), "enterprise__county")
    search_fields = ("number", "enterprise__name", "enterprise__credit_code")
    date_hierarchy = "issued_on"
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise",)
    readonly_fields = ("valid_until", "created_at", "updated_at")


class RegistrationYearFilter(admin.SimpleListFilter):
    title = "评价年度"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = TechSMERegistration.objects.values_list("year", flat=True).distinct().order_by("-year")
        return [(year, f"{year}年") for year in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(year=self.value())
        return queryset


@admin.register(TechSMERegistration)
class TechSMERegistrationAdmin(admin.ModelAdmin):
    list_display = ("number", "enterprise", "year", "registered_on", "revoked_on")
    list_filter = (RegistrationYearFilter, "enterprise__county")
    search_fields = ("number", "enterprise__name", "enterprise__credit_code")
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise",)
    readonly_fields = ("created_at", "updated_at")
