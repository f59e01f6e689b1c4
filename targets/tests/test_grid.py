from auditlog.models import LogEntry
from django.test import TestCase
from django.urls import reverse

from targets import services
from targets.models import AnnualTarget, CountyQuota, Plan
from tongliao_portal import testing


class QuotaGridTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.plan = Plan.objects.get(first_year=2023)
        CountyQuota.objects.create(plan=cls.plan, year=2025, county=cls.county_a, indicator="high_tech", value=30)
        CountyQuota.objects.create(plan=cls.plan, year=2025, county=cls.county_b, indicator="high_tech", value=12)
        cls.url = reverse("targets:grid", kwargs={"pk": cls.plan.pk, "year": 2025})

    def grid_post(self, form, **changes):
        data = {name: ("" if value is None else value) for name, value in form.initial.items()}
        data.update(changes)
        return self.client.post(self.url, data)

    def load_form(self):
        self.client.force_login(self.bureau)
        return self.client.get(self.url).context["form"]

    def test_bureau_saves_targets_and_quotas_and_blank_removes(self):
        form = self.load_form()
        response = self.grid_post(form, q_150502_high_tech=35, q_150523_high_tech="", q_150502_high_tech_new=4)
        self.assertRedirects(response, self.url)
        quotas = dict(CountyQuota.objects.filter(year=2025, indicator="high_tech").values_list("county__code", "value"))
        self.assertEqual(quotas, {"150502": 35})
        self.assertTrue(CountyQuota.objects.filter(indicator="high_tech_new", value=4).exists())
        self.assertTrue(LogEntry.objects.filter(object_repr__contains="科尔沁区").exists())

    def test_sum_below_city_target_is_flagged(self):
        self.client.force_login(self.bureau)
        page = self.client.get(self.url).content.decode()
        self.assertIn("“有效期内高新技术企业数”各旗县市区任务数合计 42，少于全市目标 100，尚差 58。", page)

    def test_second_save_of_the_same_grid_is_told_and_keeps_input(self):
        first = self.load_form()
        second = self.load_form()
        self.grid_post(first, q_150502_high_tech=31)
        response = self.grid_post(second, q_150502_high_tech=29, q_150523_tech_sme=7)
        self.assertContains(response, "其他人已修改了本年度的目标或任务数")
        self.assertContains(response, 'value="29"')
        self.assertEqual(CountyQuota.objects.get(county=self.county_a, year=2025, indicator="high_tech").value, 31)

    def test_a_quota_of_an_inactive_unit_does_not_block_saving(self):
        from units.models import County

        CountyQuota.objects.create(
            plan=self.plan, year=2025, county=testing.county("150581"), indicator="tech_sme", value=3
        )
        County.objects.filter(code="150581").update(is_active=False)
        response = self.grid_post(self.load_form(), q_150502_high_tech=36)
        self.assertRedirects(response, self.url)
        self.assertEqual(CountyQuota.objects.get(county=self.county_a, year=2025, indicator="high_tech").value, 36)

    def test_negative_number_is_refused_per_cell(self):
        response = self.grid_post(self.load_form(), q_150502_high_tech=-3)
        self.assertContains(response, "不能为负数")
        self.assertEqual(CountyQuota.objects.get(county=self.county_a, year=2025, indicator="high_tech").value, 30)

    def test_city_target_is_edited_in_the_same_grid(self):
        self.grid_post(self.load_form(), t_high_tech=101)
        self.assertEqual(AnnualTarget.objects.get(year=2025, indicator="high_tech").value, 101)

    def test_county_official_sees_only_own_quota_and_cannot_post(self):
        self.client.force_login(self.county_a_user)
        response = self.client.get(self.url)
        self.assertIsNone(response.context["form"])
        self.assertEqual([row["county"].code for row in response.context["rows"]], ["150502"])
        self.assertNotContains(response, "开鲁县")
        self.assertEqual(self.client.post(self.url, {"q_150502_high_tech": 1}).status_code, 403)

    def test_leader_reads_all_units(self):
        self.client.force_login(self.leader)
        response = self.client.get(self.url)
        self.assertEqual(len(response.context["rows"]), 9)
        self.assertContains(response, "开鲁县")

    def test_year_outside_the_plan_is_404(self):
        self.client.force_login(self.bureau)
        self.assertEqual(
            self.client.get(reverse("targets:grid", kwargs={"pk": self.plan.pk, "year": 2026})).status_code, 404
        )


class PlanTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def test_bureau_adds_a_later_plan_without_code(self):
        self.client.force_login(self.bureau)
        response = self.client.post(
            reverse("targets:plan_create"),
            {"name": "通辽市科技企业培育行动方案（2026—2030年）", "first_year": 2026, "last_year": 2030},
        )
        plan = Plan.objects.get(first_year=2026)
        self.assertRedirects(response, reverse("targets:grid", kwargs={"pk": plan.pk, "year": 2026}))
        targets, quotas = services.grid_values(plan=plan, year=2026)
        self.assertEqual((targets, quotas), ({}, {}))

    def test_overlapping_plan_is_refused_in_chinese(self):
        self.client.force_login(self.bureau)
        response = self.client.post(
            reverse("targets:plan_create"), {"name": "重叠", "first_year": 2025, "last_year": 2027}
        )
        self.assertContains(response, "年度与方案")
        self.assertContains(response, "重叠")


class PlanPeriodTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def test_shortening_a_plan_with_targets_in_the_dropped_years_is_refused(self):
        plan = Plan.objects.get(first_year=2023)
        self.client.force_login(self.bureau)
        response = self.client.post(
            reverse("targets:plan_edit", kwargs={"pk": plan.pk}),
            {"name": plan.name, "first_year": 2023, "last_year": 2024},
        )
        self.assertContains(response, "方案在 2025 年已有目标或任务数")
        plan.refresh_from_db()
        self.assertEqual(plan.last_year, 2025)
