"""Every save or delete of a row a figure depends on changes the data version
(``enterprises.models.DataVersion``), so cached figures (``reports.caching``) are never stale.
Bulk writes bump it through ``CountedQuerySet``."""

from django.db.models.signals import post_delete, post_save

from enterprises.models import County, Enterprise, HighTechCertification, TechSMERegistration, bump_data_version
from targets.models import AnnualTarget, Baseline, CountyQuota, Plan

FIGURE_SOURCES = (
    Enterprise,
    HighTechCertification,
    TechSMERegistration,
    County,
    Plan,
    AnnualTarget,
    Baseline,
    CountyQuota,
)

for model in FIGURE_SOURCES:
    post_save.connect(bump_data_version, sender=model, dispatch_uid=f"data-version-save-{model.__name__}")
    post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"data-version-delete-{model.__name__}")
