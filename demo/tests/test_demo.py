import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import TestCase

from enterprises.models import Enterprise
from reports import counting
from tongliao_portal import testing
from units.models import County


class DemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=open("/dev/null", "w"))

    def test_demo_reproduces_the_plans_quoted_baselines(self):
        for year, high_tech, tech_sme in ((2020, 37, 20), (2022, 53, 58)):
            figures = counting.count_figures(year=year, as_of=datetime.date(year, 12, 31))
            self.assertEqual(figures.city("high_tech"), high_tech, year)
            self.assertEqual(figures.city("tech_sme"), tech_sme, year)

    def test_every_county_has_enterprises_and_all_are_flagged_demo(self):
        for county in County.objects.all():
            self.assertTrue(county.enterprises.exists(), county.name)
        self.assertFalse(Enterprise.objects.filter(is_demo=False).exists())

    def test_demo_quotas_add_up_to_the_city_targets(self):
        from targets.models import AnnualTarget, CountyQuota

        for target in AnnualTarget.objects.all():
            quotas = CountyQuota.objects.filter(year=target.year, indicator=target.indicator)
            self.assertEqual(sum(quotas.values_list("value", flat=True)), target.value)
            self.assertEqual(quotas.count(), 9)

    def test_load_demo_refuses_a_database_with_real_enterprises(self):
        testing.enterprise(testing.county("150523"), name="真实企业有限公司")
        with pytest.raises(CommandError, match="非演示企业"):
            call_command("load_demo")
