import datetime
import os
import subprocess
import sys

from django import forms
from django.conf import settings
from django.utils import translation


def test_chinese_date_spellings_are_accepted_by_forms():
    field = forms.DateField()
    with translation.override("zh-hans"):
        for text in ("2016年9月5日", "2016-09-05", "2016/9/5", "2016.09.05"):
            assert field.clean(text) == datetime.date(2016, 9, 5), text


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "tongliao_portal.settings", "DEBUG": "false"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_locale_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
