"""The /imports/ pages under every persona: upload → preview → confirm, history, templates."""

import datetime
import io

from auditlog.models import LogEntry
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent
from enterprises.models import Enterprise, HighTechCertification
from imports import kinds, staging
from imports.models import ImportKind, ImportRecord
from imports.tests.test_import_service import REGISTRY_HEADER
from imports.tests.test_import_workbook import HTE_HEADER, entity_bomb, xlsx, zip_bomb
from imports.views import PENDING_KEY
from tongliao_portal import testing

INDEX = reverse("imports:index")
PREVIEW = INDEX  # an upload is a POST to the index page
CONFIRM = reverse("imports:confirm")


def upload(content: bytes, name: str = "名单.xlsx"):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


class ImportViewTestCase(TestCase, testing.Personas):
    @classmethod
    def setUpTestData(cls):
        cls.make_personas()
        cls.known = testing.enterprise(cls.county_a, name="通辽既有科技有限公司")
        cls.hte_file = xlsx(
            [
                HTE_HEADER,
                [1, "通辽既有科技有限公司", "", "GR202315000101", "2023年11月20日", ""],
                [2, "网页新企业有限公司", testing.credit_code("150523"), "GR202315000102", "", "开鲁县"],
            ],
            title="2023年第一批高新技术企业名单",
        )
        # The bureau's city-wide import names 科尔沁区 as its default unit: still not the county's to see.
        cls.bureau_record = ImportRecord.objects.create(
            kind=ImportKind.HTE, file_name="局导入.xlsx", sha256="a" * 64, county=cls.county_a, imported_by=cls.bureau
        )
        cls.county_record = ImportRecord.objects.create(
            kind=ImportKind.ENTERPRISES,
            file_name="科尔沁区名录.xlsx",
            sha256="b" * 64,
            county=cls.county_a,
            imported_by=cls.county_a_user,
        )

    def preview(self, user, content=None, **data):
        self.client.force_login(user)
        fields = {
            "kind": "hte",
            "file": upload(self.hte_file if content is None else content),
            "announced_on": "2023-11-20",
            **data,
        }
        response = self.client.post(PREVIEW, fields)
        token = response.context.get("token") if response.context else None
        if token:
            self.addCleanup(staging.staged_discard, token)
        return response, token


class IndexTests(ImportViewTestCase):
    def test_anonymous_is_sent_to_login(self):
        for url in (INDEX, reverse("imports:template", args=["hte"])):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("login"), response["Location"])
        self.assertEqual(self.client.post(PREVIEW).status_code, 302)
        self.assertEqual(self.client.post(CONFIRM).status_code, 302)

    def test_bureau_sees_the_form_every_template_and_every_import(self):
        self.client.force_login(self.bureau)
        response = self.client.get(INDEX)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [value for value, _ in response.context["form"].fields["kind"].choices],
            ["enterprises", "hte", "sme", "quotas"],
        )
        for kind in ("enterprises", "hte", "sme", "quotas"):
            self.assertContains(response, reverse("imports:template", args=[kind]))
        self.assertContains(response, "局导入.xlsx")
        self.assertContains(response, "科尔沁区名录.xlsx")

    def test_county_official_sees_their_units_imports_and_the_registry_only(self):
        self.client.force_login(self.county_a_user)
        response = self.client.get(INDEX)
        self.assertEqual([value for value, _ in response.context["form"].fields["kind"].choices], ["enterprises"])
        self.assertNotIn("county", response.context["form"].fields)
        self.assertContains(response, "科尔沁区名录.xlsx")
        self.assertNotContains(response, "局导入.xlsx")
        self.assertNotContains(response, reverse("imports:template", args=["hte"]))

    def test_other_county_official_sees_none_of_them(self):
        self.client.force_login(self.county_b_user)
        response = self.client.get(INDEX)
        self.assertNotContains(response, "科尔沁区名录.xlsx")
        self.assertNotContains(response, "局导入.xlsx")
        self.assertContains(response, "暂无导入记录")

    def test_leader_reads_the_history_without_a_form(self):
        self.client.force_login(self.leader)
        response = self.client.get(INDEX)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["form"])
        self.assertNotContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "局导入.xlsx")

    def test_user_without_a_role_is_forbidden(self):
        self.client.force_login(testing.user("nobody", None))
        self.assertEqual(self.client.get(INDEX).status_code, 403)

    def test_history_page_query_count_does_not_grow_with_records(self):
        self.client.force_login(self.bureau)
        self.client.get(INDEX)
        with CaptureQueriesContext(connection) as few:
            self.client.get(INDEX)
        for index in range(20):
            ImportRecord.objects.create(kind="hte", file_name=f"{index}.xlsx", sha256="c" * 64, imported_by=self.bureau)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(INDEX)
        self.assertContains(response, "19.xlsx")

    def test_templates_download_as_xlsx_with_a_chinese_name(self):
        self.client.force_login(self.bureau)
        for kind, spec in kinds.SPECS.items():
            response = self.client.get(reverse("imports:template", args=[kind]))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(
                response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            self.assertIn("filename*=utf-8''", response["Content-Disposition"])
            self.assertTrue(response.content.startswith(b"PK\x03\x04"), spec.kind)

    def test_unknown_kinds_have_no_template(self):
        self.client.force_login(self.bureau)
        for kind in ("patents", "..", "passwd"):
            self.assertEqual(self.client.get(f"/imports/template/{kind}.xlsx").status_code, 404)


class PreviewTests(ImportViewTestCase):
    def test_bureau_previews_counts_and_rows_and_nothing_is_written(self):
        response, token = self.preview(self.bureau)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "imports/preview.html")
        result = response.context["result"]
        self.assertEqual((result.counts["create"], result.counts["error"]), (2, 0))
        self.assertContains(response, "确认导入")
        self.assertContains(response, "网页新企业有限公司")
        self.assertContains(response, "同时新建企业（开鲁县）")
        self.assertIn(token, self.client.session[PENDING_KEY])
        self.assertIsNotNone(staging.staged_read(token))
        self.assertFalse(HighTechCertification.objects.exists())

    def test_rows_in_error_are_listed_and_cannot_be_confirmed(self):
        content = xlsx([HTE_HEADER, [1, "通辽既有科技有限公司", "", "GR2023-1", "2023-11-20"]])
        response, _token = self.preview(self.bureau, content)
        self.assertContains(response, "整个文件都不会导入")
        self.assertContains(response, "工作表“名单”第2行，“证书编号”列的“GR2023-1”")
        self.assertNotContains(response, "确认导入")

    def test_county_official_may_not_preview_certificates(self):
        response, _token = self.preview(self.county_a_user)
        self.assertEqual(response.status_code, 403)
        self.assertTrue(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REFUSED, username="county_a").exists())

    def test_county_official_previews_their_registry(self):
        content = xlsx([REGISTRY_HEADER, [testing.credit_code("150502"), "本单位企业有限公司", "科尔沁区"]])
        response, _token = self.preview(self.county_a_user, content, kind="enterprises")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["result"].counts["create"], 1)

    def test_leader_may_not_preview(self):
        response, _token = self.preview(self.leader)
        self.assertEqual(response.status_code, 403)

    def test_form_errors_keep_what_was_typed(self):
        csv = "企业名称,证书编号\n".encode()
        response, _token = self.preview(self.bureau, csv, announced_on="2023年11月20日", year="2023", kind="sme")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "imports/index.html")
        self.assertContains(response, "文件不是 .xlsx 工作簿（可能是 CSV")
        self.assertContains(response, 'value="2023年11月20日"')
        self.assertContains(response, 'value="2023"')
        self.assertContains(response, '<option value="sme" selected>')

    def test_chinese_announcement_date_is_accepted(self):
        response, _token = self.preview(self.bureau, announced_on="2023年11月20日")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "imports/preview.html")

    def test_hostile_files_get_a_message_not_a_crash(self):
        cases = [
            (zip_bomb(), "压缩炸弹"),
            (entity_bomb(), "不安全的 XML 内容"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "这是旧版 .xls 文件"),
            (b"", "所提交的是空文件"),
            (self.hte_file[:200], "文件已损坏"),
            (xlsx([["说明"]]), "未找到表头"),
        ]
        for content, message in cases:
            response, token = self.preview(self.bureau, content)
            self.assertEqual(response.status_code, 200, message)
            self.assertContains(response, message)
            self.assertIsNone(token)

    @override_settings(IMPORT_MAX_UPLOAD_MB=1)
    def test_oversize_upload_is_refused_before_it_is_read(self):
        response, _token = self.preview(self.bureau, b"PK\x03\x04" + b"\0" * (1100 * 1024))
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "超过大小上限", status_code=413)

    @override_settings(IMPORT_MAX_UPLOAD_MB=1)
    def test_oversize_file_within_the_request_slack_is_refused_by_the_form(self):
        response, _token = self.preview(self.bureau, b"PK\x03\x04" + b"\0" * (1024 * 1024 + 10))
        self.assertContains(response, "文件超过 1 MB 的上限")

    def test_staged_file_name_is_made_by_the_server(self):
        _response, token = self.preview(self.bureau, self.hte_file, file=upload(self.hte_file, "../../etc/passwd.xlsx"))
        self.assertRegex(token, r"^[A-Za-z0-9_-]{43}$")
        self.assertEqual(self.client.session[PENDING_KEY][token]["file_name"], "passwd.xlsx")


class ConfirmTests(ImportViewTestCase):
    def test_bureau_confirms_and_everything_is_written_once(self):
        _response, token = self.preview(self.bureau)
        response = self.client.post(CONFIRM, {"token": token}, follow=True)
        self.assertRedirects(response, INDEX)
        self.assertContains(response, "导入完成：共 2 行：新增 2")
        self.assertEqual(HighTechCertification.objects.count(), 2)
        created = Enterprise.objects.get(name="网页新企业有限公司")
        self.assertEqual(created.certifications.get().issued_on, datetime.date(2023, 11, 20))
        record = ImportRecord.objects.get(file_name="名单.xlsx")
        self.assertEqual((record.imported_by, record.created, record.options["source"]), (self.bureau, 2, "web"))
        entry = LogEntry.objects.get_for_object(created).get()
        self.assertEqual((entry.actor, entry.remote_addr), (self.bureau, "127.0.0.1"))
        self.assertIsNone(staging.staged_read(token))
        self.assertNotIn(token, self.client.session[PENDING_KEY])
        event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IMPORT)
        self.assertEqual((event.username, event.detail["import_record"]), ("bureau", record.pk))
        # The same confirmation again writes nothing.
        response = self.client.post(CONFIRM, {"token": token}, follow=True)
        self.assertContains(response, "预览已过期或该文件已导入")
        self.assertEqual(ImportRecord.objects.filter(file_name="名单.xlsx").count(), 1)

    def test_a_token_from_another_session_is_refused(self):
        _response, token = self.preview(self.bureau)
        other = testing.user("bureau2", testing.Role.BUREAU)
        self.client.force_login(other)
        response = self.client.post(CONFIRM, {"token": token}, follow=True)
        self.assertContains(response, "预览已过期或该文件已导入")
        self.assertFalse(HighTechCertification.objects.exists())

    def test_forged_tokens_reach_no_file(self):
        self.client.force_login(self.bureau)
        for token in ("../../etc/passwd", "", "x" * 43):
            response = self.client.post(CONFIRM, {"token": token})
            self.assertRedirects(response, INDEX, fetch_redirect_response=False)
        self.assertIsNone(staging.staged_read("../../etc/passwd"))

    def test_leader_and_anonymous_cannot_confirm(self):
        self.client.force_login(self.leader)
        self.assertEqual(self.client.post(CONFIRM, {"token": "x"}).status_code, 403)

    def test_county_official_confirms_their_registry(self):
        code = testing.credit_code("150502")
        content = xlsx([REGISTRY_HEADER, [code, "本单位确认企业有限公司", ""]])
        _response, token = self.preview(self.county_a_user, content, kind="enterprises")
        response = self.client.post(CONFIRM, {"token": token})
        self.assertRedirects(response, INDEX, fetch_redirect_response=False)
        created = Enterprise.objects.get(credit_code=code)
        self.assertEqual(created.county, self.county_a)
        self.assertEqual(
            ImportRecord.objects.filter(imported_by=self.county_a_user).latest("imported_at").county, self.county_a
        )

    def test_rows_gone_bad_since_the_preview_write_nothing(self):
        _response, token = self.preview(self.bureau)
        testing.enterprise(self.county_b, name="抢先企业有限公司")
        testing.certificate(
            Enterprise.objects.get(name="抢先企业有限公司"), datetime.date(2023, 1, 1), number="GR202315000102"
        )
        response = self.client.post(CONFIRM, {"token": token})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "该证书编号已属于另一家企业")
        self.assertEqual(HighTechCertification.objects.count(), 1)
        self.assertFalse(ImportRecord.objects.filter(file_name="名单.xlsx").exists())
