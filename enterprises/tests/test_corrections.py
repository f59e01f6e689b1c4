"""Corrections by bureau staff (issue 12, finding 3): edit and delete mistyped certificates and
registrations with a reason, delete an enterprise entered in error; audited, figures follow."""

import datetime

from auditlog.models import LogEntry
from django.test import TestCase
from django.urls import reverse

from enterprises import services
from enterprises.models import CertificationKind, Enterprise, HighTechCertification, TechSMERegistration
from reports import counting
from tongliao_portal import testing
from units.versioning import data_version

D = datetime.date


def url(name, record):
    return reverse(f"enterprises:{name}", kwargs={"pk": record.pk})


class CorrectionTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.company = testing.enterprise(cls.county_a, name="更正测试有限公司")

    def setUp(self):
        self.client.force_login(self.bureau)

    def valid_hte(self, as_of=None):
        as_of = as_of or D(2025, 12, 31)
        return counting.count_figures(year=as_of.year, as_of=as_of).county(self.county_a.pk, "high_tech")

    def registered_sme(self, year=2025):
        return counting.count_figures(year=year, as_of=D(year, 12, 31)).county(self.county_a.pk, "tech_sme")

    # -- certificates ------------------------------------------------------------------------

    def test_bureau_corrects_a_certificate_with_a_reason_and_the_audit_keeps_it(self):
        cert = testing.certificate(self.company, D(2021, 11, 30), number="GR202115000999")
        self.assertEqual(self.valid_hte(), 0)  # issued 2021: lapsed in 2024
        version = data_version()
        response = self.client.post(
            url("certification_edit", cert),
            {
                "number": "GR202315000123",
                "issued_on": "2023年11月30日",
                "kind": "first",
                "batch": "2023年第二批",
                "reason": "发证日期和编号录入错误，按证书原件更正",
            },
            REMOTE_ADDR="10.15.0.9",
        )
        self.assertRedirects(response, url("detail", self.company))
        cert.refresh_from_db()
        self.assertEqual(
            (cert.number, cert.issued_on, cert.valid_until, cert.batch),
            ("GR202315000123", D(2023, 11, 30), D(2026, 11, 29), "2023年第二批"),
        )
        self.assertNotEqual(data_version(), version)
        self.assertEqual(self.valid_hte(), 1)  # the figures follow at once
        entry = LogEntry.objects.get_for_object(cert).latest("timestamp")
        self.assertEqual(entry.action, LogEntry.Action.UPDATE)
        self.assertEqual((entry.actor, entry.remote_addr), (self.bureau, "10.15.0.9"))
        self.assertEqual(entry.additional_data["reason"], "发证日期和编号录入错误，按证书原件更正")
        self.assertEqual(entry.changes_dict["number"], ["GR202115000999", "GR202315000123"])

    def test_a_correction_needs_a_reason_and_a_change(self):
        cert = testing.certificate(self.company, D(2023, 11, 30), number="GR202315000124")
        data = {"number": cert.number, "issued_on": "2023-11-30", "kind": "first", "batch": ""}
        response = self.client.post(url("certification_edit", cert), {**data, "number": "GR202315000125"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("reason", response.context["form"].errors)
        response = self.client.post(url("certification_edit", cert), {**data, "reason": "核对"})
        self.assertContains(response, "没有修改任何内容")
        cert.refresh_from_db()
        self.assertEqual(cert.number, "GR202315000124")

    def test_edit_page_shows_the_record_as_stored(self):
        cert = testing.certificate(self.company, D(2023, 3, 1), number="GR202315000126")
        page = self.client.get(url("certification_edit", cert))
        self.assertContains(page, 'value="GR202315000126"')
        self.assertContains(page, 'value="2023-03-01"')
        self.assertContains(page, "修改原因")

    def test_issue_date_after_the_revocation_is_refused(self):
        cert = testing.certificate(self.company, D(2023, 3, 1), revoked_on=D(2024, 5, 1), revoke_reason="抽查不合格")
        response = self.client.post(
            url("certification_edit", cert),
            {"number": cert.number, "issued_on": "2024-06-01", "kind": "first", "reason": "更正发证日期"},
        )
        self.assertContains(response, "发证日期不能晚于取消资格日期（2024年5月1日）")

    def test_delete_page_shows_what_will_be_deleted_and_the_post_needs_a_reason(self):
        cert = testing.certificate(self.company, D(2024, 11, 20), number="GR202415000777", batch="2024年第一批")
        page = self.client.get(url("certification_delete", cert))
        self.assertContains(page, "GR202415000777")
        self.assertContains(page, "2024年11月20日")
        self.assertContains(page, "删除原因")
        self.assertContains(page, "确认删除")
        response = self.client.post(url("certification_delete", cert), {"reason": " "})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(HighTechCertification.objects.filter(pk=cert.pk).exists())

    def test_delete_certificate_with_a_reason_changes_the_figures(self):
        cert = testing.certificate(self.company, D(2024, 11, 20))
        self.assertEqual(self.valid_hte(), 1)
        response = self.client.post(url("certification_delete", cert), {"reason": "重复录入"}, follow=True)
        self.assertContains(response, f"已删除高新技术企业证书 {cert.number}")
        self.assertFalse(HighTechCertification.objects.filter(pk=cert.pk).exists())
        self.assertEqual(self.valid_hte(), 0)
        entry = LogEntry.objects.get(object_pk=str(cert.pk), action=LogEntry.Action.DELETE)
        self.assertEqual(entry.additional_data, {"reason": "重复录入", "enterprise": self.company.pk})
        self.assertEqual(entry.actor, self.bureau)

    def test_deleting_the_first_certificate_warns_about_the_renewal_left_behind(self):
        first = testing.certificate(self.company, D(2018, 11, 1), kind=CertificationKind.FIRST)
        renewal = testing.certificate(self.company, D(2021, 11, 1), kind=CertificationKind.RENEWAL)
        response = self.client.post(url("certification_delete", first), {"reason": "误录"}, follow=True)
        self.assertContains(response, f"证书 {renewal.number} 为重新认定，但该企业已没有更早的证书")
        # … and the renewal can then be corrected to 首次认定.
        self.client.post(
            url("certification_edit", renewal),
            {"number": renewal.number, "issued_on": "2021-11-01", "kind": "first", "reason": "应为首次认定"},
        )
        renewal.refresh_from_db()
        self.assertEqual(renewal.kind, CertificationKind.FIRST)

    # -- registrations -----------------------------------------------------------------------

    def test_a_mistyped_registration_is_deleted_and_the_right_one_recorded(self):
        wrong = testing.registration(self.company, 2025, D(2025, 7, 1), number="12345")
        self.client.post(url("registration_delete", wrong), {"reason": "编号误录为12345"})
        self.assertFalse(TechSMERegistration.objects.filter(number="12345").exists())
        self.assertEqual(self.registered_sme(), 0)
        response = self.client.post(
            url("registration_create", self.company),
            {"year": 2025, "number": "20251505020000012345", "registered_on": "2025-07-01"},
        )
        self.assertRedirects(response, url("detail", self.company))
        self.assertEqual(self.company.registrations.get().number, "20251505020000012345")
        self.assertEqual(self.registered_sme(), 1)
        entry = LogEntry.objects.get(object_pk=str(wrong.pk), action=LogEntry.Action.DELETE)
        self.assertEqual(entry.additional_data["reason"], "编号误录为12345")

    def test_a_mistyped_registration_is_corrected_and_its_number_is_free_again(self):
        wrong = testing.registration(self.company, 2024, D(2024, 7, 1), number="12345")
        response = self.client.post(
            url("registration_edit", wrong),
            {"year": 2025, "number": "20251505020000054321", "registered_on": "2025/7/1", "reason": "年度和编号录错"},
        )
        self.assertRedirects(response, url("detail", self.company))
        wrong.refresh_from_db()
        self.assertEqual((wrong.year, wrong.number, wrong.registered_on), (2025, "20251505020000054321", D(2025, 7, 1)))
        self.assertEqual((self.registered_sme(2024), self.registered_sme(2025)), (0, 1))
        other = testing.enterprise(self.county_a)
        self.client.post(
            url("registration_create", other), {"year": 2024, "number": "12345", "registered_on": "2024-07-01"}
        )
        self.assertTrue(other.registrations.filter(number="12345").exists())
        entry = LogEntry.objects.get_for_object(wrong).latest("timestamp")
        self.assertEqual(entry.additional_data["reason"], "年度和编号录错")

    def test_registration_correction_keeps_the_year_rule(self):
        testing.registration(self.company, 2025, D(2025, 7, 1))
        other = testing.registration(self.company, 2024, D(2024, 7, 1))
        response = self.client.post(
            url("registration_edit", other),
            {"year": 2025, "number": other.number, "registered_on": "2025-07-01", "reason": "年度录错"},
        )
        self.assertContains(response, "该企业 2025 年度已有入库登记")

    # -- enterprises -------------------------------------------------------------------------

    def test_an_enterprise_with_records_cannot_be_deleted_and_is_told_to_use_close(self):
        testing.registration(self.company, 2025, D(2025, 7, 1))
        page = self.client.get(url("enterprise_delete", self.company))
        self.assertContains(page, "请办理注销")
        self.assertNotContains(page, "确认删除")
        response = self.client.post(url("enterprise_delete", self.company), {"reason": "不再经营"})
        self.assertContains(response, "请办理注销", status_code=400)
        self.assertTrue(Enterprise.objects.filter(pk=self.company.pk).exists())
        with self.assertRaisesMessage(services.EnterpriseInUse, "请办理注销"):
            services.enterprise_delete(user=self.bureau, enterprise=self.company, reason="x")

    def test_an_enterprise_entered_in_error_is_deleted_with_a_reason(self):
        mistake = testing.enterprise(self.county_b, name="误录企业有限公司")
        page = self.client.get(url("enterprise_delete", mistake))
        self.assertContains(page, mistake.credit_code)
        self.assertContains(page, "确认删除")
        response = self.client.post(url("enterprise_delete", mistake), {"reason": "重复登记"}, follow=True)
        self.assertRedirects(response, reverse("enterprises:list"))
        self.assertContains(response, "已删除企业“误录企业有限公司”")
        self.assertFalse(Enterprise.objects.filter(pk=mistake.pk).exists())
        entry = LogEntry.objects.get(object_pk=str(mistake.pk), action=LogEntry.Action.DELETE)
        self.assertEqual((entry.actor, entry.additional_data["reason"]), (self.bureau, "重复登记"))

    def test_detail_page_links_corrections_for_bureau_staff_only(self):
        cert = testing.certificate(self.company, D(2024, 11, 20))
        reg = testing.registration(self.company, 2025, D(2025, 7, 1))
        links = [
            url("certification_edit", cert),
            url("certification_delete", cert),
            url("registration_edit", reg),
            url("registration_delete", reg),
            url("enterprise_delete", self.company),
        ]
        page = self.client.get(url("detail", self.company))
        for link in links:
            self.assertContains(page, f'href="{link}"')
        for user in (self.county_a_user, self.leader):
            self.client.force_login(user)
            page = self.client.get(url("detail", self.company))
            for link in links:
                self.assertNotContains(page, link)

    def test_others_may_not_correct_or_delete(self):
        cert = testing.certificate(self.company, D(2024, 11, 20))
        reg = testing.registration(self.company, 2025, D(2025, 7, 1))
        for user in (self.county_a_user, self.county_b_user, self.leader):
            self.client.force_login(user)
            for name, record in (
                ("certification_edit", cert),
                ("certification_delete", cert),
                ("registration_edit", reg),
                ("registration_delete", reg),
                ("enterprise_delete", self.company),
            ):
                with self.subTest(user=user.username, url=name):
                    self.assertEqual(self.client.post(url(name, record), {"reason": "x"}).status_code, 403)
        self.assertTrue(HighTechCertification.objects.filter(pk=cert.pk).exists())
        self.assertTrue(TechSMERegistration.objects.filter(pk=reg.pk).exists())

    def test_services_take_keyword_arguments_only_and_record_the_reason_without_a_request(self):
        cert = testing.certificate(self.company, D(2024, 11, 20))
        with self.assertRaises(TypeError):
            services.certification_delete(self.bureau, cert, "x")  # type: ignore[misc]
        pk = cert.pk
        services.certification_delete(user=self.bureau, certification=cert, reason="命令行更正")
        entry = LogEntry.objects.get(object_pk=str(pk), action=LogEntry.Action.DELETE)
        self.assertEqual((entry.actor, entry.additional_data["reason"]), (self.bureau, "命令行更正"))
        # The reason does not stick to later writes.
        later = testing.certificate(self.company, D(2025, 11, 20))
        self.assertIsNone(LogEntry.objects.get_for_object(later).get().additional_data)
