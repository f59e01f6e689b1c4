from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from enterprises import rules
from enterprises.models import Enterprise, HighTechCertification, TechSMERegistration
from tongliao_portal import testing


class GenerateDatasetTests(TestCase):
    def test_generates_valid_synthetic_rows_reproducibly(self):
        out = StringIO()
        call_command("generate_dataset", "--enterprises", "300", "--seed", "3", stdout=out, stderr=StringIO())
        self.assertEqual(Enterprise.objects.filter(is_demo=True).count(), 300)
        self.assertTrue(
            all(rules.credit_code_error(c) is None for c in Enterprise.objects.values_list("credit_code", flat=True))
        )
        self.assertGreater(HighTechCertification.objects.count(), 300)
        self.assertTrue(HighTechCertification.objects.filter(kind="renewal").exists())
        self.assertTrue(TechSMERegistration.objects.exists())
        self.assertEqual(Enterprise.objects.values("county").distinct().count(), 9)
        self.assertTrue(Enterprise.objects.filter(name__regex=r"^[=+@-]").exists())
        self.assertIn("已生成企业 300 家", out.getvalue())

    def test_refuses_a_database_with_real_enterprises(self):
        testing.enterprise(testing.county("150502"), name="真实企业有限公司")
        with self.assertRaisesMessage(CommandError, "非合成"):
            call_command("generate_dataset", "--enterprises", "10")
