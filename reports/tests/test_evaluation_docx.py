"""The Word draft opens in a word processor: LibreOffice converts it to a PDF with pages.

Skipped, saying why, where LibreOffice is not installed (Debian: ``apt-get install
libreoffice-writer-nogui fonts-noto-cjk poppler-utils``). The page count is read with
``pdfinfo`` (poppler-utils) where it is installed, else from the PDF's page objects.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from targets.models import Plan

from .test_evaluation import EvaluationTestCase

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    LIBREOFFICE is None,
    reason="未安装 LibreOffice（apt-get install libreoffice-writer-nogui fonts-noto-cjk poppler-utils），"
    "跳过 Word 稿转换测试",
)


def pdf_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def convert(test, content: bytes, name: str) -> Path:
    """The draft converted by LibreOffice (headless, a profile of its own so parallel runs do not clash)."""
    folder = Path(tempfile.mkdtemp(prefix="evaluation-docx-"))
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    source = folder / f"{name}.docx"
    source.write_bytes(content)
    profile = (folder / "profile").as_uri()
    command = [LIBREOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(folder), str(source)], capture_output=True, check=True, timeout=180)
    return folder / f"{name}.pdf"


@needs_libreoffice
class LibreOfficeTests(EvaluationTestCase):
    def test_the_draft_converts_to_a_pdf_with_pages(self):
        pdf = convert(self, self.body(self.bureau, "reports:evaluation_docx"), "bureau")
        self.assertTrue(pdf.exists(), "LibreOffice wrote no PDF")
        self.assertGreaterEqual(pdf_pages(pdf), 3)  # body, the per-unit tables, the 附件
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            self.assertIn("终期评估", text)
            self.assertIn("附件", text)

    def test_a_county_draft_and_a_five_year_plan_convert_too(self):
        county = convert(self, self.body(self.county_a_user, "reports:evaluation_docx"), "county")
        self.assertGreaterEqual(pdf_pages(county), 2)
        Plan.objects.create(name="2026—2030年行动方案", first_year=2026, last_year=2030)
        self.client.force_login(self.bureau)
        response = self.client.get(reverse("reports:evaluation_docx", kwargs={"first": 2026, "last": 2030}))
        pdf = convert(self, b"".join(response.streaming_content), "five_years")  # its unit tables are landscape
        self.assertGreaterEqual(pdf_pages(pdf), 3)
