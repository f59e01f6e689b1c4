"""The change history in Chinese (issue 12, finding 8): labels, dates, choices and names, no internals."""

import datetime
import re

from auditlog.models import LogEntry
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from enterprises import history
from enterprises.models import Enterprise, HighTechCertification
from tongliao_portal import testing

D = datetime.date
INTERNALS = [
    "create",
    "update",
    "delete",
    "None",
    "enterprises.",
    ">ID<",
    "ID：",
    "名称匹配键",
    "name_key",
    "updated_at",
    "更新时间",
    "创建时间",
    "演示数据",
]


class ValueTextTests(SimpleTestCase):
    def field(self, model, name):
        return model._meta.get_field(name)

    def test_values_in_words(self):
        self.assertEqual(
            history.value_text(self.field(HighTechCertification, "issued_on"), "2025-11-20"), "2025年11月20日"
        )
        self.assertEqual(history.value_text(self.field(HighTechCertification, "kind"), "renewal"), "重新认定")
        self.assertEqual(history.value_text(self.field(Enterprise, "stage"), "key"), "重点培育")
        self.assertEqual(history.value_text(self.field(Enterprise, "tech_field"), "energy"), "新能源与节能")
        self.assertEqual(history.value_text(self.field(Enterprise, "established_on"), "None"), "（空）")
        self.assertEqual(history.value_text(self.field(Enterprise, "notes"), ""), "（空）")
        self.assertEqual(history.value_text(self.field(Enterprise, "county"), "开鲁县"), "开鲁县")


class HistoryPageTests(testing.Personas, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()

    def setUp(self):
        self.client.force_login(self.bureau)

    def detail(self, enterprise):
        return self.client.get(reverse("enterprises:detail", kwargs={"pk": enterprise.pk}))

    def history_html(self, enterprise) -> str:
        page = self.detail(enterprise).content.decode()
        return page[page.index('aria-label="变更记录"') :]

    def test_a_day_of_work_reads_in_chinese(self):
        self.client.post(
            reverse("enterprises:create"),
            {
                "credit_code": testing.credit_code(),
                "name": "历史记录（测试）有限公司",
                "county": self.county_a.pk,
                "stage": "reserve",
                "tech_field": "materials",
                "established_on": "2016年9月5日",
            },
        )
        company = Enterprise.objects.get(name="历史记录（测试）有限公司")
        self.client.post(
            reverse("enterprises:edit", kwargs={"pk": company.pk}),
            {
                "credit_code": company.credit_code,
                "name": company.name,
                "county": self.county_b.pk,
                "stage": "key",
                "tech_field": "materials",
                "established_on": "2016-09-05",
            },
        )
        self.client.post(
            reverse("enterprises:certification_create", kwargs={"pk": company.pk}),
            {"number": "GR202415000555", "issued_on": "2024-11-20", "kind": "first", "batch": "2024年第一批"},
        )
        cert = company.certifications.get()
        self.client.post(
            reverse("enterprises:certification_edit", kwargs={"pk": cert.pk}),
            {
                "number": "GR202415000556",
                "issued_on": "2024-11-20",
                "kind": "first",
                "batch": "2024年第一批",
                "reason": "编号末位录错",
            },
        )
        self.client.post(
            reverse("enterprises:registration_create", kwargs={"pk": company.pk}),
            {"year": 2025, "number": "12345", "registered_on": "2025-07-01"},
        )
        reg = company.registrations.get()
        self.client.post(reverse("enterprises:registration_delete", kwargs={"pk": reg.pk}), {"reason": "编号误录"})

        rows = history.history(company)
        self.assertEqual(
            [(row.action, row.record) for row in rows],
            [
                ("删除", "入库登记 12345"),
                ("新增", "入库登记 12345"),
                ("修改", "证书 GR202415000556"),
                ("新增", "证书 GR202415000555"),
                ("修改", "企业 历史记录（测试）有限公司"),
                ("新增", "企业 历史记录（测试）有限公司"),
            ],
        )
        deleted, _, corrected, recorded, edited, created = rows
        self.assertEqual((deleted.reason, corrected.reason, recorded.reason), ("编号误录", "编号末位录错", ""))
        self.assertEqual(corrected.changes, [history.Change("证书编号", "GR202415000555", "GR202415000556")])
        self.assertIn(history.Change("发证日期", history.EMPTY, "2024年11月20日"), recorded.changes)
        self.assertIn(history.Change("认定类型", history.EMPTY, "首次认定"), recorded.changes)
        self.assertIn(history.Change("有效期至", history.EMPTY, "2027年11月19日"), recorded.changes)
        self.assertIn(history.Change("所属旗县市区", "科尔沁区", "开鲁县"), edited.changes)
        self.assertIn(history.Change("培育阶段", "储备", "重点培育"), edited.changes)
        self.assertIn(history.Change("成立日期", history.EMPTY, "2016年9月5日"), created.changes)
        self.assertIn(history.Change("技术领域", history.EMPTY, "新材料"), created.changes)
        self.assertEqual({row.actor for row in rows}, {"bureau"})
        labels = {change.label for row in rows for change in row.changes}
        self.assertFalse(labels & {"ID", "id", "名称匹配键", "更新时间", "创建时间", "企业", "certifications"}, labels)

        html = self.history_html(company)
        for word in INTERNALS:
            with self.subTest(word=word):
                self.assertNotIn(word, html)
        for text in (
            "新增",
            "修改",
            "删除",
            "证书 GR202415000556",
            "入库登记 12345",
            "证书编号：</span>GR202415000555 → GR202415000556",
            "所属旗县市区：</span>科尔沁区 → 开鲁县",
            "发证日期：</span>2024年11月20日",
            "编号末位录错",
            "编号误录",
        ):
            with self.subTest(text=text):
                self.assertIn(text, html)
        self.assertRegex(html, re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d"))

    def test_a_deleted_certificate_stays_in_the_history(self):
        company = testing.enterprise(self.county_a, name="删除历史有限公司")
        cert = testing.certificate(company, D(2024, 11, 20), number="GR202415000901")
        self.client.post(reverse("enterprises:certification_delete", kwargs={"pk": cert.pk}), {"reason": "重复录入"})
        rows = history.history(company)
        self.assertEqual(
            [(r.action, r.record) for r in rows[:2]], [("删除", "证书 GR202415000901"), ("新增", "证书 GR202415000901")]
        )
        self.assertIn(history.Change("发证日期", "2024年11月20日", history.EMPTY), rows[0].changes)
        html = self.history_html(company)
        self.assertIn("发证日期：</span>2024年11月20日", html)
        self.assertIn("重复录入", html)

    def test_another_enterprises_records_stay_out(self):
        ours = testing.enterprise(self.county_a)
        theirs = testing.enterprise(self.county_a)
        testing.certificate(theirs, D(2024, 11, 20), number="GR202415000902")
        cert = testing.certificate(theirs, D(2021, 11, 20), number="GR202115000903")
        self.client.post(reverse("enterprises:certification_delete", kwargs={"pk": cert.pk}), {"reason": "误录"})
        self.assertEqual([row.record for row in history.history(ours)], [f"企业 {ours.name}"])

    def test_an_entry_without_an_actor_is_the_system(self):
        company = testing.enterprise(self.county_a)
        entry = LogEntry.objects.get_for_object(company).get()
        self.assertIsNone(entry.actor)
        self.assertEqual(history.row(entry).actor, "系统")
