from django.contrib import admin
from django.urls import include, path

from reports import views as report_views

from . import views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("imports/", include("imports.urls")),
    path("reports/assessment/", include("reports.assessment_urls")),
    path("reports/", include("reports.urls")),
    path("targets/", include("targets.urls")),
    path("screen/", include("screen.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

handler500 = "tongliao_portal.views.server_error"

admin.site.site_header = "通辽市科技企业培育管理平台 · 后台管理"
admin.site.site_title = "后台管理"
admin.site.index_title = "数据维护"
