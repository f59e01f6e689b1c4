"""A county official is not told that a credit code or name is held in another unit
(issue 13, finding 9): the refusal stands, worded without confirming the holder."""

from django.test import TestCase
from django.urls import reverse

from enterprises.forms import HIDDEN_CLASH
from enterprises.models import Enterprise
from tongliao_portal import testing


class ClashWordingTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.elsewhere = testing.enterprise(cls.county_b, name="开鲁外县（集团）有限公司")
        cls.here = testing.enterprise(cls.county_a, name="科尔沁本地科技有限公司")

    def post(self, user, **overrides):
        self.client.force_login(user)
        data = {
            "credit_code": testing.credit_code(),
            "name": "新登记企业有限公司",
            "county": self.county_a.pk,
            "stage": "reserve",
        }
        data.update(overrides)
        return self.client.post(reverse("enterprises:create"), data)

    def assert_hidden(self, response, field):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors[field], [HIDDEN_CLASH])
        page = response.content.decode()
        self.assertIn("该企业无法在本地区登记，请联系市科技局", page)
        self.assertNotIn("已登记在其他企业名下", page)
        self.assertNotIn(self.elsewhere.name, page)  # the holder's name, as registered
        self.assertNotIn("开鲁县", page)  # nor its unit

    def test_credit_code_held_in_another_unit(self):
        response = self.post(self.county_a_user, credit_code=self.elsewhere.credit_code.lower())
        self.assert_hidden(response, "credit_code")
        self.assertEqual(Enterprise.objects.filter(credit_code=self.elsewhere.credit_code).count(), 1)

    def test_name_held_in_another_unit_even_with_other_brackets(self):
        response = self.post(self.county_a_user, name="开鲁外县(集团) 有限公司")
        self.assert_hidden(response, "name")
        self.assertFalse(Enterprise.objects.filter(county=self.county_a, name__contains="外县").exists())

    def test_a_clash_in_the_officials_own_unit_is_named(self):
        response = self.post(self.county_a_user, credit_code=self.here.credit_code)
        self.assertContains(response, "该统一社会信用代码已登记在其他企业名下")
        response = self.post(self.county_a_user, name=self.here.name)
        self.assertContains(response, "企业名称与已登记的“科尔沁本地科技有限公司”相同")

    def test_bureau_staff_keep_the_precise_message(self):
        response = self.post(self.bureau, credit_code=self.elsewhere.credit_code)
        self.assertContains(response, "该统一社会信用代码已登记在其他企业名下")
        self.assertNotContains(response, HIDDEN_CLASH)
        response = self.post(self.bureau, name="开鲁外县(集团)有限公司")
        self.assertContains(response, "企业名称与已登记的“开鲁外县（集团）有限公司”相同")
