"""Dates as typed on the reports' forms (issue 12, finding 4): the progress date and the scheme's date."""

import datetime

from django import forms
from django.test import TestCase
from django.urls import reverse

from reports.assessment_forms import SchemeForm
from reports.forms import ProgressParamsForm
from tongliao_portal import testing
from units import dates

D = datetime.date
SPELLINGS = ("2025年3月1日", "2025-03-01", "2025/3/1", "2025.3.1")


class ReportDateFieldTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def test_every_date_field_is_the_shared_text_field(self):
        for form in (ProgressParamsForm(), SchemeForm(year=2025)):
            date_fields = [f for f in form.fields.values() if isinstance(f, forms.DateField)]
            with self.subTest(form=type(form).__name__):
                self.assertTrue(date_fields)
                for field in date_fields:
                    self.assertIsInstance(field, dates.DateField)
                    self.assertEqual(field.widget.input_type, "text")
                    self.assertEqual(field.widget.attrs["placeholder"], "例如 2024-03-01")

    def test_progress_date_in_each_spelling(self):
        for text in SPELLINGS:
            with self.subTest(text=text):
                form = ProgressParamsForm({"year": 2025, "as_of": text}, today=D(2026, 1, 10))
                self.assertTrue(form.is_valid(), form.errors)
                self.assertEqual(form.cleaned_data["as_of"], D(2025, 3, 1))

    def test_an_unreadable_progress_date_names_the_accepted_forms(self):
        form = ProgressParamsForm({"year": 2025, "as_of": "3/1/2025"}, today=D(2026, 1, 10))
        self.assertEqual(
            form.errors["as_of"], ["统计日期无法识别，请按 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日 的格式填写"]
        )

    def test_the_progress_json_reads_a_typed_date(self):
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("reports:progress_json"), {"year": 2025, "as_of": "2025年3月1日"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["as_of"], "2025-03-01")

    def test_scheme_date_in_each_spelling(self):
        for text in SPELLINGS:
            with self.subTest(text=text):
                form = SchemeForm({"as_of": text, "max_high_tech": "10"}, year=2025)
                self.assertTrue(form.is_valid(), form.errors)
                self.assertEqual(form.cleaned_data["as_of"], D(2025, 3, 1))

    def test_the_pages_render_no_date_input(self):
        self.client.force_login(self.bureau)
        for url in (reverse("home"), reverse("assessment:scheme", kwargs={"year": 2025})):
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertNotContains(page, 'type="date"')
                self.assertContains(page, 'placeholder="例如 2024-03-01"')
