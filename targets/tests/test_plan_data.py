from django.core.exceptions import ValidationError
from django.test import TestCase

from targets import lookup
from targets.models import Plan
from units.models import County


class PlanDataTests(TestCase):
    def test_the_2023_2025_plan_is_loaded_with_targets_and_baselines(self):
        plan = Plan.objects.get(document_number="通创办发〔2023〕1号")
        self.assertEqual((plan.first_year, plan.last_year), (2023, 2025))
        self.assertEqual(lookup.city_targets(2023), {"high_tech": 63, "tech_sme": 80})
        self.assertEqual(lookup.city_targets(2024), {"high_tech": 80, "tech_sme": 130})
        self.assertEqual(lookup.city_targets(2025), {"high_tech": 100, "tech_sme": 200})
        self.assertEqual(lookup.baselines()[(2020, "high_tech")], 37)
        self.assertEqual(lookup.baselines()[(2022, "tech_sme")], 58)
        self.assertEqual(lookup.county_quotas(2025), {})

    def test_the_nine_assessment_units_are_loaded(self):
        self.assertEqual(County.objects.count(), 9)
        self.assertEqual(County.objects.get(code="150571").name, "通辽经济技术开发区")

    def test_a_later_plan_is_data_and_may_not_overlap(self):
        Plan(name="2026—2030年行动方案", first_year=2026, last_year=2030).full_clean()
        with self.assertRaises(ValidationError):
            Plan(name="重叠方案", first_year=2025, last_year=2027).full_clean()
