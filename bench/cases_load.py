"""Case 5: 20 concurrent clients on loopback against gunicorn with the production settings (wrk)."""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from common import ROOT

PORT = 8123
DURATION = os.environ.get("BENCH_LOAD_SECONDS", "20")


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start_gunicorn(database_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "PORTAL_HTTPS": "true",  # production settings; wrk says X-Forwarded-Proto: https as nginx would
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--config",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "tongliao_portal.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def wrk(path: str, cookie: str, duration: str = DURATION) -> dict[str, int]:
    command = [
        "wrk",
        "-t2",
        "-c20",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(Path(__file__).with_name("report.lua")),
        "-H",
        f"Cookie: {cookie}",
        "-H",
        "X-Forwarded-Proto: https",
        f"http://127.0.0.1:{PORT}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}


def case_load(database: str, users) -> str:
    if shutil.which("wrk") is None:
        return "### 5. Load\n\nwrk is not installed (apt-get install wrk): case skipped."
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    process = start_gunicorn(f"{base}/{database}")
    try:
        targets = [
            ("dashboard · leader", "/?year=2025", users["leader"]),
            ("dashboard · county", "/?year=2025", users["county"]),
            ("progress.json · leader", "/reports/progress.json?year=2025", users["leader"]),
            ("/enterprises/ · bureau", "/enterprises/", users["bureau"]),
            ("/enterprises/ · county", "/enterprises/", users["county"]),
        ]
        lines = [
            f"### 5. Load: 20 concurrent clients, {DURATION} s each after a 5 s warm-up, "
            "gunicorn (production settings) on loopback",
            "",
            "| page | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for label, path, user in targets:
            cookie = session_cookie(user)
            # Warm-up, not measured: each gunicorn worker computes a scope's figures once per data
            # version (about 1.3 s cold at 100,000 enterprises) and serves them from its cache after.
            wrk(path, cookie, duration="5")
            r = wrk(path, cookie)
            errors = sum(r[k] for k in r if k.startswith("errors_"))
            lines.append(
                f"| {label} | {r['requests']:,} | {r['requests'] / (r['duration_us'] / 1e6):,.1f} | "
                f"{r['p50_us'] / 1000:,.0f} | {r['p95_us'] / 1000:,.0f} | {r['p99_us'] / 1000:,.0f} | {errors} |"
            )
        return "\n".join(lines) + "\n\nGoal: p95 ≤ 500 ms, no errors (non-2xx/3xx responses count as errors)."
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
