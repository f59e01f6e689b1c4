import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from enterprises.models import Enterprise, HighTechCertification
from tongliao_portal import testing


class EnterpriseModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.kerqin = testing.county("150502")
        cls.existing = testing.enterprise(cls.kerqin, name="通辽某某（集团）有限公司")

    def test_saving_normalises_code_and_name(self):
        item = Enterprise.objects.create(
            credit_code=" 91350100m000100y43 ", name="通辽 测试(科技)有限公司", county=self.kerqin
        )
        item.refresh_from_db()
        self.assertEqual(item.credit_code, "91350100M000100Y43")
        self.assertEqual(item.name, "通辽测试（科技）有限公司")
        self.assertEqual(item.name_key, "通辽测试(科技)有限公司")

    def test_full_clean_rejects_bad_check_character_in_chinese(self):
        item = Enterprise(credit_code="91350100M000100Y44", name="新企业有限公司", county=self.kerqin)
        with self.assertRaises(ValidationError) as caught:
            item.full_clean()
        self.assertIn("校验位错误", caught.exception.message_dict["credit_code"][0])

    def test_override_reason_admits_a_pilot_code_that_fails_the_check(self):
        item = Enterprise(
            credit_code="91350100M000100Y44",
            name="试点企业有限公司",
            county=self.kerqin,
            credit_code_override="2015年福建试点代码，营业执照原件已核验",
        )
        item.full_clean()

    def test_name_differing_only_in_brackets_is_a_duplicate(self):
        item = Enterprise(credit_code=testing.credit_code(), name="通辽某某(集团)有限公司", county=self.kerqin)
        with self.assertRaises(ValidationError) as caught:
            item.full_clean()
        self.assertIn("企业名称与已登记的“通辽某某（集团）有限公司”相同", caught.exception.message_dict["name"][0])

    def test_database_refuses_duplicate_name_key(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Enterprise.objects.create(
                credit_code=testing.credit_code(), name="通辽某某 (集团)有限公司", county=self.kerqin
            )

    def test_database_refuses_malformed_credit_code(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Enterprise.objects.create(credit_code="123", name="短代码有限公司", county=self.kerqin)


class CertificationModelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.company = testing.enterprise(testing.county("150523"))

    def test_valid_until_is_derived_on_save(self):
        cert = testing.certificate(self.company, datetime.date(2024, 2, 29))
        cert.refresh_from_db()
        self.assertEqual(cert.valid_until, datetime.date(2027, 2, 28))

    def test_revocation_without_reason_is_refused_by_the_database(self):
        cert = testing.certificate(self.company, datetime.date(2023, 11, 1))
        cert.revoked_on = datetime.date(2024, 1, 1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            cert.save()

    def test_duplicate_certificate_number_is_refused(self):
        testing.certificate(self.company, datetime.date(2023, 11, 1), number="GR202315000777")
        with self.assertRaises(IntegrityError), transaction.atomic():
            HighTechCertification.objects.create(
                enterprise=self.company, number="GR202315000777", issued_on=datetime.date(2023, 11, 1)
            )

    def test_one_registration_per_enterprise_and_year(self):
        testing.registration(self.company, 2024, datetime.date(2024, 7, 1))
        with self.assertRaises(IntegrityError), transaction.atomic():
            testing.registration(self.company, 2024, datetime.date(2024, 8, 1))
