"""Dates as typed (issue 12, finding 4): one date field for every form of the registry."""

import datetime

from django import forms
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import formats

from enterprises import forms as registry_forms
from enterprises.models import Enterprise
from tongliao_portal import testing
from units import dates

D = datetime.date
ACCEPTED = ["2024年3月1日", "2024-03-01", "2024/3/1", "2024.3.1", "2024年03月01日", "2024-3-1", " 2024/03/01 "]
REFUSED = ["2024年3月", "3/1/2024", "01.03.2024", "20240301", "2024-13-01", "2024-02-30", "24-3-1", "明天"]


class DateFieldTests(SimpleTestCase):
    def test_the_four_spellings_with_or_without_leading_zeros(self):
        field = dates.DateField()
        for text in ACCEPTED:
            with self.subTest(text=text):
                self.assertEqual(field.clean(text), D(2024, 3, 1))

    def test_full_width_digits_and_separators(self):
        self.assertEqual(dates.DateField().clean("２０２４／３／１"), D(2024, 3, 1))
        self.assertEqual(dates.DateField().clean("２０２４年３月１日"), D(2024, 3, 1))

    def test_anything_else_is_refused_with_the_accepted_forms_named(self):
        field = dates.DateField()
        for text in REFUSED:
            with self.subTest(text=text), self.assertRaises(forms.ValidationError) as raised:
                field.clean(text)
            self.assertEqual(
                raised.exception.messages,
                ["日期无法识别，请按 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日 的格式填写"],
            )

    def test_the_widget_is_a_text_box_with_a_placeholder(self):
        html = dates.DateField().widget.render("d", D(2024, 3, 1))
        self.assertIn('type="text"', html)
        self.assertIn('placeholder="例如 2024-03-01"', html)
        self.assertIn('inputmode="decimal"', html)
        self.assertIn('value="2024-03-01"', html)

    def test_django_input_formats_are_the_same(self):
        self.assertEqual(list(formats.get_format("DATE_INPUT_FORMATS")), dates.INPUT_FORMATS)
        plain = forms.DateField()  # a field that is not ours reads the same spellings
        self.assertEqual(plain.clean("2024/3/1"), D(2024, 3, 1))
        self.assertEqual(plain.clean("2024年3月1日"), D(2024, 3, 1))
        self.assertEqual(plain.clean("2024.3.1"), D(2024, 3, 1))

    def test_date_text(self):
        self.assertEqual(dates.date_text(D(2025, 11, 20)), "2025年11月20日")
        self.assertEqual(dates.date_text(D(2024, 3, 1)), "2024年3月1日")


class RegistryFormDateTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.company = testing.enterprise(cls.county_a, name="日期测试有限公司")
        cls.cert = testing.certificate(cls.company, D(2023, 11, 1))
        cls.reg = testing.registration(cls.company, 2024, D(2024, 7, 1))

    def test_every_date_field_of_the_registry_forms_is_the_shared_one(self):
        built = {
            "EnterpriseForm": registry_forms.EnterpriseForm(user=self.bureau),
            "CertificationForm": registry_forms.CertificationForm(enterprise=self.company),
            "RegistrationForm": registry_forms.RegistrationForm(enterprise=self.company),
            "CertificationCorrectionForm": registry_forms.CertificationCorrectionForm(
                instance=self.cert, enterprise=self.company
            ),
            "RegistrationCorrectionForm": registry_forms.RegistrationCorrectionForm(
                instance=self.reg, enterprise=self.company
            ),
            "RevocationForm": registry_forms.RevocationForm(record=self.cert),
        }
        for name, form in built.items():
            date_fields = [f for f in form.fields.values() if isinstance(f, forms.DateField)]
            with self.subTest(form=name):
                self.assertTrue(date_fields)
                for field in date_fields:
                    self.assertIsInstance(field, dates.DateField)
                    self.assertEqual(field.widget.input_type, "text")

    def post_enterprise(self, established_on):
        self.client.force_login(self.bureau)
        return self.client.post(
            reverse("enterprises:create"),
            {
                "credit_code": testing.credit_code(),
                "name": "成立日期测试有限公司",
                "county": self.county_a.pk,
                "stage": "reserve",
                "established_on": established_on,
            },
        )

    def test_founding_date_in_each_spelling_is_stored(self):
        for text in ("2024年3月1日", "2024-03-01", "2024/3/1", "2024.3.1"):
            with self.subTest(text=text):
                Enterprise.objects.filter(name="成立日期测试有限公司").delete()
                self.assertEqual(self.post_enterprise(text).status_code, 302)
                self.assertEqual(Enterprise.objects.get(name="成立日期测试有限公司").established_on, D(2024, 3, 1))

    def test_founding_date_in_2030_is_refused_naming_the_range(self):
        response = self.post_enterprise("2030-01-01")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["established_on"], ["成立日期应在1900年1月1日至今天之间"])
        self.assertFalse(Enterprise.objects.filter(name="成立日期测试有限公司").exists())

    def test_a_year_typed_as_three_digits_is_refused(self):
        for text in ("0431-02-02", "1899-12-31"):
            with self.subTest(text=text):
                response = self.post_enterprise(text)
                self.assertEqual(
                    response.context["form"].errors["established_on"], ["成立日期应在1900年1月1日至今天之间"]
                )

    def test_an_unreadable_date_is_refused_with_the_accepted_forms(self):
        response = self.post_enterprise("3/1/2024")
        self.assertContains(response, "日期无法识别，请按 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日 的格式填写")
        self.assertContains(response, 'value="3/1/2024"')  # what was typed is kept

    def test_certificate_and_registration_dates_as_typed(self):
        self.client.force_login(self.bureau)
        other = testing.enterprise(self.county_a)
        self.client.post(
            reverse("enterprises:certification_create", kwargs={"pk": other.pk}),
            {"number": "GR202415000088", "issued_on": "2024年3月1日", "kind": "first"},
        )
        self.assertEqual(other.certifications.get().issued_on, D(2024, 3, 1))
        self.client.post(
            reverse("enterprises:registration_create", kwargs={"pk": other.pk}),
            {"year": 2024, "number": "2024150502X0000088", "registered_on": "2024.3.1"},
        )
        self.assertEqual(other.registrations.get().registered_on, D(2024, 3, 1))
        cert = other.certifications.get()
        self.client.post(
            reverse("enterprises:certification_revoke", kwargs={"pk": cert.pk}),
            {"revoked_on": "2024/6/1", "reason": "不符合条件"},
        )
        cert.refresh_from_db()
        self.assertEqual(cert.revoked_on, D(2024, 6, 1))

    def test_the_registry_pages_render_no_date_input(self):
        self.client.force_login(self.bureau)
        for url in (
            reverse("enterprises:create"),
            reverse("enterprises:certification_create", kwargs={"pk": self.company.pk}),
            reverse("enterprises:registration_create", kwargs={"pk": self.company.pk}),
            reverse("enterprises:certification_edit", kwargs={"pk": self.cert.pk}),
            reverse("enterprises:registration_edit", kwargs={"pk": self.reg.pk}),
            reverse("enterprises:certification_revoke", kwargs={"pk": self.cert.pk}),
        ):
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertNotContains(page, 'type="date"')
                self.assertContains(page, 'placeholder="例如 2024-03-01"')
