import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Enterprise, HighTechCertification, Stage, TechSMERegistration
from tongliao_portal import testing

D = datetime.date


class CountyIsolationTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.ours = testing.enterprise(cls.county_a, name="科尔沁本地科技有限公司")
        cls.theirs = testing.enterprise(cls.county_b, name="开鲁外县科技有限公司")

    def test_county_official_list_shows_only_own_county(self):
        self.client.force_login(self.county_a_user)
        page = self.client.get(reverse("enterprises:list")).content.decode()
        self.assertIn(self.ours.name, page)
        self.assertNotIn(self.theirs.name, page)
        self.assertNotIn(self.theirs.credit_code, page)
        for params in ({"county": self.county_b.pk}, {"q": "外县"}, {"q": self.theirs.credit_code}):
            with self.subTest(params=params):
                response = self.client.get(reverse("enterprises:list"), params)
                listed = {e.pk for e in response.context["page"].object_list}
                self.assertNotIn(self.theirs.pk, listed)
                self.assertNotIn(self.theirs.name, response.content.decode())

    def test_bureau_and_leader_see_both_counties(self):
        for user in (self.bureau, self.leader):
            self.client.force_login(user)
            page = self.client.get(reverse("enterprises:list")).content.decode()
            self.assertIn(self.ours.name, page)
            self.assertIn(self.theirs.name, page)

    def test_forged_county_in_post_is_refused(self):
        self.client.force_login(self.county_a_user)
        response = self.client.post(
            reverse("enterprises:create"),
            {
                "credit_code": testing.credit_code(),
                "name": "伪造县别有限公司",
                "county": self.county_b.pk,
                "stage": "reserve",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "所选旗县市区不存在或不在您的管辖范围内")
        self.assertFalse(Enterprise.objects.filter(name="伪造县别有限公司").exists())

    def test_county_official_adds_to_own_pool(self):
        self.client.force_login(self.county_a_user)
        response = self.client.post(
            reverse("enterprises:create"),
            {
                "credit_code": testing.credit_code(),
                "name": "新储备企业有限公司",
                "county": self.county_a.pk,
                "stage": "reserve",
            },
        )
        created = Enterprise.objects.get(name="新储备企业有限公司")
        self.assertRedirects(response, reverse("enterprises:detail", kwargs={"pk": created.pk}))
        self.assertEqual(created.county, self.county_a)

    def test_county_official_edits_only_cultivation_fields(self):
        self.client.force_login(self.county_a_user)
        url = reverse("enterprises:edit", kwargs={"pk": self.ours.pk})
        self.client.post(url, {"stage": "key", "contact_person": "王经理", "notes": "重点跟进", "name": "改名有限公司"})
        self.ours.refresh_from_db()
        self.assertEqual(
            (self.ours.stage, self.ours.contact_person, self.ours.name), (Stage.KEY, "王经理", "科尔沁本地科技有限公司")
        )


class EnterpriseFormTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.existing = testing.enterprise(cls.county_a, name="通辽既有（集团）有限公司")

    def post(self, **overrides):
        self.client.force_login(self.bureau)
        data = {
            "credit_code": testing.credit_code(),
            "name": "新企业有限公司",
            "county": self.county_a.pk,
            "stage": "reserve",
        }
        data.update(overrides)
        return self.client.post(reverse("enterprises:create"), data)

    def test_bad_check_character_is_explained_and_input_kept(self):
        response = self.post(credit_code="91350100M000100Y44", name="保留输入有限公司")
        self.assertContains(response, "统一社会信用代码校验位错误：第18位应为“3”，实为“4”")
        self.assertContains(response, 'value="保留输入有限公司"')

    def test_duplicate_credit_code(self):
        response = self.post(credit_code=self.existing.credit_code.lower())
        self.assertContains(response, "该统一社会信用代码已登记在其他企业名下")

    def test_duplicate_name_with_other_brackets(self):
        response = self.post(name="通辽既有(集团) 有限公司")
        self.assertContains(response, "企业名称与已登记的“通辽既有（集团）有限公司”相同")

    def test_unknown_county(self):
        response = self.post(county=999999)
        self.assertContains(response, "所选旗县市区不存在或不在您的管辖范围内")

    def test_override_reason_lets_bureau_register_a_pilot_code(self):
        response = self.post(credit_code="91350100M000100Y44", credit_code_override="2015年试点代码，已核验原件")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Enterprise.objects.filter(credit_code="91350100M000100Y44").exists())

    def test_chinese_date_is_accepted(self):
        response = self.post(established_on="2016年9月5日")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Enterprise.objects.get(name="新企业有限公司").established_on, D(2016, 9, 5))


class RecordingTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.company = testing.enterprise(cls.county_a, name="记录测试有限公司")

    def setUp(self):
        self.client.force_login(self.bureau)

    def test_record_certification_derives_validity_and_warns_for_other_province(self):
        url = reverse("enterprises:certification_create", kwargs={"pk": self.company.pk})
        response = self.client.post(
            url, {"number": "gr202212000934", "issued_on": "2022-12-14", "kind": "first"}, follow=True
        )
        cert = HighTechCertification.objects.get(number="GR202212000934")
        self.assertEqual(cert.valid_until, D(2025, 12, 13))
        self.assertContains(response, "证书编号的省份代码为 12")
        self.assertContains(response, "有效期至 2025-12-13")

    def test_a_second_certificate_defaults_to_and_must_be_a_renewal(self):
        testing.certificate(self.company, D(2021, 11, 30), number="GR202115000001")
        url = reverse("enterprises:certification_create", kwargs={"pk": self.company.pk})
        self.assertEqual(self.client.get(url).context["form"]["kind"].value(), "renewal")
        response = self.client.post(url, {"number": "GR202415000002", "issued_on": "2024-11-20", "kind": "first"})
        self.assertContains(response, "再次认定应选择“重新认定”")
        self.client.post(url, {"number": "GR202415000002", "issued_on": "2024-11-20", "kind": "renewal"})
        self.assertEqual(HighTechCertification.objects.get(number="GR202415000002").kind, "renewal")

    def test_malformed_certificate_number_is_refused(self):
        url = reverse("enterprises:certification_create", kwargs={"pk": self.company.pk})
        response = self.client.post(url, {"number": "GR2023", "issued_on": "2023-11-01", "kind": "first"})
        self.assertContains(response, "证书编号格式应为")
        self.assertFalse(HighTechCertification.objects.exists())

    def test_registration_twice_in_a_year_is_refused(self):
        testing.registration(self.company, 2024, D(2024, 7, 1))
        url = reverse("enterprises:registration_create", kwargs={"pk": self.company.pk})
        response = self.client.post(url, {"year": 2024, "number": "2024150502X0000009", "registered_on": "2024-08-01"})
        self.assertContains(response, "该企业 2024 年度已有入库登记")

    def test_revoke_certificate_with_date_and_reason(self):
        cert = testing.certificate(self.company, D(2023, 11, 1))
        url = reverse("enterprises:certification_revoke", kwargs={"pk": cert.pk})
        self.client.post(url, {"revoked_on": "2024-06-18", "reason": "弄虚作假", "document": "内科高企〔2024〕3号"})
        cert.refresh_from_db()
        self.assertEqual(
            (cert.revoked_on, cert.revoke_reason, cert.revoke_document),
            (D(2024, 6, 18), "弄虚作假", "内科高企〔2024〕3号"),
        )

    def test_revocation_before_issue_is_refused(self):
        cert = testing.certificate(self.company, D(2023, 11, 1))
        url = reverse("enterprises:certification_revoke", kwargs={"pk": cert.pk})
        response = self.client.post(url, {"revoked_on": "2023-01-01", "reason": "x"})
        self.assertContains(response, "生效日期不能早于 2023-11-01")

    def test_revoke_registration(self):
        reg = testing.registration(self.company, 2024, D(2024, 7, 1))
        url = reverse("enterprises:registration_revoke", kwargs={"pk": reg.pk})
        self.client.post(url, {"revoked_on": "2024-11-05", "reason": "不符合条件"})
        reg.refresh_from_db()
        self.assertEqual(reg.revoked_on, D(2024, 11, 5))
        self.assertTrue(TechSMERegistration.objects.filter(revoke_reason="不符合条件").exists())


class AuditTrailTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.company = testing.enterprise(cls.county_a, name="审计测试有限公司")

    def test_change_records_who_when_where_and_what(self):
        self.client.force_login(self.county_a_user)
        self.client.post(
            reverse("enterprises:edit", kwargs={"pk": self.company.pk}),
            {"stage": "applied", "notes": "已提交申报材料"},
            REMOTE_ADDR="10.15.0.7",
        )
        from auditlog.models import LogEntry

        entry = LogEntry.objects.get_for_object(self.company).latest("timestamp")
        self.assertEqual(entry.actor, self.county_a_user)
        self.assertEqual(entry.remote_addr, "10.15.0.7")
        self.assertIn("stage", entry.changes_dict)
        self.client.force_login(self.bureau)
        page = self.client.get(reverse("enterprises:detail", kwargs={"pk": self.company.pk})).content.decode()
        self.assertIn("变更记录", page)
        self.assertIn("10.15.0.7", page)

    def test_history_is_shown_to_bureau_staff_only(self):
        for user in (self.county_a_user, self.leader):
            self.client.force_login(user)
            page = self.client.get(reverse("enterprises:detail", kwargs={"pk": self.company.pk})).content.decode()
            self.assertNotIn("变更记录", page)


class ListQueryCountTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def queries_for_list(self, params=None):
        self.client.force_login(self.bureau)
        self.client.get(reverse("enterprises:list"))  # warm the session and content types
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(reverse("enterprises:list"), params or {})
        self.assertEqual(response.status_code, 200)
        return len(captured)

    def test_list_query_count_is_constant_in_rows(self):
        few = testing.bulk_enterprises(self.county_a, 3)
        for company in few:
            testing.certificate(company, D(2024, 11, 1))
        small = self.queries_for_list({"hte_status": "valid", "ordering": "-name"})
        many = testing.bulk_enterprises(self.county_b, 24)
        for company in many:
            testing.certificate(company, D(2024, 11, 1))
            testing.registration(company, 2024, D(2024, 7, 1))
        self.assertEqual(self.queries_for_list({"hte_status": "valid", "ordering": "-name"}), small)


class ListFilterTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        today = datetime.date.today()
        cls.valid = testing.enterprise(cls.county_a, name="有效高企有限公司")
        testing.certificate(cls.valid, today - datetime.timedelta(days=100))
        cls.expiring = testing.enterprise(cls.county_a, name="将到期高企有限公司")
        testing.certificate(cls.expiring, today.replace(year=today.year - 3) + datetime.timedelta(days=60))
        cls.expired = testing.enterprise(cls.county_a, name="过期高企有限公司")
        testing.certificate(cls.expired, today.replace(year=today.year - 4))
        cls.never = testing.enterprise(cls.county_a, name="从未认定有限公司")
        testing.registration(cls.never, today.year, today)

    def names(self, **params):
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("enterprises:list"), params)
        return {e.name for e in response.context["page"].object_list}

    def test_status_filters(self):
        self.assertEqual(self.names(hte_status="valid"), {"有效高企有限公司", "将到期高企有限公司"})
        self.assertEqual(self.names(hte_status="expiring"), {"将到期高企有限公司"})
        self.assertEqual(self.names(hte_status="expired"), {"过期高企有限公司"})
        self.assertEqual(self.names(hte_status="none"), {"从未认定有限公司"})

    def test_sme_year_filter_counts_a_past_year_at_its_year_end(self):
        revoked_later = testing.enterprise(self.county_a, name="次年撤销有限公司")
        testing.registration(revoked_later, 2023, D(2023, 7, 1), revoked_on=D(2024, 3, 1), revoke_reason="不符合条件")
        self.assertEqual(self.names(sme_year=2023), {"次年撤销有限公司"})

    def test_sme_year_and_search(self):
        self.assertEqual(self.names(sme_year=datetime.date.today().year), {"从未认定有限公司"})
        self.assertEqual(self.names(q="过期"), {"过期高企有限公司"})
        self.assertEqual(self.names(q=self.valid.credit_code.lower()), {"有效高企有限公司"})
