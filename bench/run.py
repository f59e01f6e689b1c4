"""The province-scale benchmark (issue 7): the portal against the raw limit and the usual peer.

    make bench                                   # 10,000 and 100,000 enterprises
    .venv/bin/python bench/run.py --sizes 10000 --rounds 5

For each size it builds a fresh PostgreSQL database (``tongliao_bench_<size>``) with
``generate_dataset``, then runs every case: each arm several rounds after a warm-up on
the same data, medians and ratios printed, with the peak Python memory of each arm
(tracemalloc). Every arm's output is checked against the others (same figures, same
row counts), so no arm can win by doing less. Results go to stdout and
``bench/output/results-<size>.md``. Not part of ``make test``.
"""

import argparse
import datetime
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, configure, measure, mib, ms, recreate_database

OUTPUT = ROOT / "bench" / "output"
YEAR = 2025


def setup_data(size: int, seed: int):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import User
    from units.models import County

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("generate_dataset", "--enterprises", str(size), "--seed", str(seed), verbosity=0)
    print(f"  generate_dataset --enterprises {size}: {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    kerqin = County.objects.get(code="150502")
    users = {}
    for name, group, county in (("leader", "leader", None), ("county", "county", kerqin), ("bureau", "bureau", None)):
        user = User.objects.create_user(name, password="Bench-pass-2026-xyz", county=county)
        user.groups.add(Group.objects.get(name=group))
        users[name] = user
    users["admin"] = User.objects.create_superuser("admin", password="Bench-pass-2026-xyz")
    return users, kerqin


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def admin_result_count(response) -> int:
    """The total the admin changelist states under its table ("602 高新技术企业证书")."""
    match = re.search(r"\n(\d+) \S+\n\n\n</p>", response.content.decode())
    return int(match.group(1))


def portal_row_count(response) -> tuple[int, int]:
    """(rows on the page, rows found) of /enterprises/."""
    html = response.content.decode()
    found = int(re.search(r'data-testid="row-count">(\d+)<', html).group(1))
    rows = html.count('<td><a href="/enterprises/')
    return rows, found


# -- case 1: dashboard and progress JSON ---------------------------------------------------------------
SQL_PROGRESS = """
SELECT county_id, SUM(hte), SUM(sme) FROM (
  SELECT e.county_id, COUNT(DISTINCT c.enterprise_id) AS hte, 0 AS sme
    FROM enterprises_hightechcertification c JOIN enterprises_enterprise e ON e.id = c.enterprise_id
   WHERE c.issued_on <= %(d)s AND c.valid_until >= %(d)s AND (c.revoked_on IS NULL OR c.revoked_on > %(d)s)
   GROUP BY e.county_id
  UNION ALL
  SELECT e.county_id, 0, COUNT(DISTINCT r.enterprise_id)
    FROM enterprises_techsmeregistration r JOIN enterprises_enterprise e ON e.id = r.enterprise_id
   WHERE r.year = %(y)s AND r.registered_on <= %(d)s AND (r.revoked_on IS NULL OR r.revoked_on > %(d)s)
   GROUP BY e.county_id
) t GROUP BY county_id
"""


def case_dashboard(users, rounds):
    from django.core.cache import cache
    from django.db import connection

    from enterprises.models import HighTechCertification

    as_of = datetime.date(YEAR, 12, 31)

    def sql():
        with connection.cursor() as cursor:
            cursor.execute(SQL_PROGRESS, {"d": as_of, "y": YEAR})
            rows = cursor.fetchall()
        return sum(r[1] for r in rows), sum(r[2] for r in rows)

    leader, county, admin = client_for(users["leader"]), client_for(users["county"]), client_for(users["admin"])

    def json_figures(client, cold=True):
        if cold:
            cache.clear()
        data = get_ok(client, f"/reports/progress.json?year={YEAR}").json()
        return data["city"]["high_tech"]["actual"], data["city"]["tech_sme"]["actual"]

    def page(client, cold=True):
        if cold:
            cache.clear()
        response = get_ok(client, f"/?year={YEAR}")
        return response.content.count(b"<tr")

    def admin_changelist():
        response = get_ok(admin, f"/admin/enterprises/hightechcertification/?issued_on__year={YEAR}")
        return admin_result_count(response)

    arms = [
        measure("SQL aggregate (limit)", sql, rounds=rounds),
        measure("progress.json · leader, cold cache", lambda: json_figures(leader), rounds=rounds),
        measure("progress.json · county, cold cache", lambda: json_figures(county), rounds=rounds),
        measure("progress.json · leader, warm cache", lambda: json_figures(leader, cold=False), rounds=rounds),
        measure("dashboard page · leader, cold cache", lambda: page(leader), rounds=rounds),
        measure("dashboard page · county, cold cache", lambda: page(county), rounds=rounds),
        measure("dashboard page · leader, warm cache", lambda: page(leader, cold=False), rounds=rounds),
        measure("admin changelist, year filter (peer)", admin_changelist, rounds=rounds),
    ]
    limit = arms[0]
    for arm in arms[1:4]:
        assert arm.check == limit.check, (arm.name, arm.check, limit.check)
    assert arms[4].check == arms[6].check
    expected = HighTechCertification.objects.filter(issued_on__year=YEAR).count()
    assert arms[7].check == expected, (arms[7].check, expected)
    high_tech, tech_sme = limit.check
    return f"1. Dashboard / progress JSON (year {YEAR}; city HTE {high_tech}, SME {tech_sme})", arms, limit


# -- case 2: enterprise list -------------------------------------------------------------------------
SQL_LIST = """
SELECT e.id, e.name, e.credit_code, c.name FROM enterprises_enterprise e JOIN enterprises_county c ON c.id = e.county_id
 {where} ORDER BY e.name LIMIT 25
"""


def case_list(users, kerqin, rounds):
    from django.db import connection

    bureau, county, admin = client_for(users["bureau"]), client_for(users["county"]), client_for(users["admin"])

    def sql(scoped):
        where = "WHERE e.county_id = %s" if scoped else ""
        params = [kerqin.pk] if scoped else []
        with connection.cursor() as cursor:
            cursor.execute(SQL_LIST.format(where=where), params)
            rows = cursor.fetchall()
            cursor.execute(f"SELECT COUNT(*) FROM enterprises_enterprise e {where}", params)
            return len(rows), cursor.fetchone()[0]

    def portal(client):
        return portal_row_count(get_ok(client, "/enterprises/"))

    def admin_list():
        response = get_ok(admin, "/admin/enterprises/enterprise/")
        return 25, admin_result_count(response)

    arms = [
        measure("SELECT … LIMIT 25 + COUNT(*) · all (limit)", lambda: sql(False), rounds=rounds),
        measure("SELECT … LIMIT 25 + COUNT(*) · one county (limit)", lambda: sql(True), rounds=rounds),
        measure("/enterprises/ · bureau (unscoped)", lambda: portal(bureau), rounds=rounds),
        measure("/enterprises/ · county (scoped)", lambda: portal(county), rounds=rounds),
        measure("admin changelist (peer)", admin_list, rounds=rounds),
    ]
    assert arms[2].check == arms[0].check and arms[3].check == arms[1].check, [a.check for a in arms]
    assert arms[4].check[1] == arms[0].check[1]
    return "2. Enterprise list page", arms, arms[0]


def format_case(title, arms, limit):
    lines = [f"### {title}", "", "| arm | median ms | × limit | peak MiB |", "|---|---:|---:|---:|"]
    for arm in arms:
        lines.append(f"| {arm.name} | {ms(arm.median)} | {arm.median / limit.median:,.2f} | {mib(arm.peak)} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", default="dashboard,list,import,export,load")
    args = parser.parse_args()
    cases = set(args.cases.split(","))
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        # Each size runs in its own process so that Django is configured for its own database.
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--one",
            str(size),
            str(args.rounds),
            str(args.seed),
            ",".join(cases),
        ]
        subprocess.run(command, check=True)
    summaries = [json.loads((OUTPUT / f"summary-{size}.json").read_text()) for size in args.sizes]
    exported = [s for s in summaries if "export_peak" in s]
    if len(exported) >= 2:
        small, large = exported[0], exported[-1]
        ratio = large["export_peak"] / small["export_peak"]
        print(
            f"Export peak memory: {mib(small['export_peak'])} MiB at {small['size']:,} enterprises, "
            f"{mib(large['export_peak'])} MiB at {large['size']:,}: ratio {ratio:.2f} (goal ≤ 1.5)"
        )


def run_one(size: int, rounds: int, seed: int, cases: set[str]):
    database = f"tongliao_bench_{size}"
    recreate_database(database)
    configure(database)
    print(f"== {size:,} enterprises (database {database})", flush=True)
    users, kerqin = setup_data(size, seed)
    from enterprises.models import Enterprise, HighTechCertification, TechSMERegistration

    header = (
        f"## {size:,} enterprises · {HighTechCertification.objects.count():,} certificates · "
        f"{TechSMERegistration.objects.count():,} registrations\n"
    )
    sections = [header]
    summary = {"size": size}
    if "dashboard" in cases:
        title, arms, limit = case_dashboard(users, rounds)
        sections.append(format_case(title, arms, limit))
    if "list" in cases:
        title, arms, limit = case_list(users, kerqin, rounds)
        table = format_case(title, arms, limit)
        scoped_ratio = arms[3].median / arms[2].median
        sections.append(table + f"\n\nscoped ÷ unscoped: **{scoped_ratio:.2f}** (goal ≤ 1.2)")
    if "import" in cases:
        from cases_import import case_import

        sections.append(case_import(users, rounds))
    if "export" in cases:
        from cases_export import case_export

        arms, rows = case_export(users, rounds)
        table = format_case(
            f"4. Excel progress report ({rows['高新技术企业名单']:,} valid HTEs, "
            f"{rows['科技型中小企业名单']:,} SME rows)",
            arms,
            arms[0],
        )
        sections.append(table + f"\n\nportal ÷ limit: **{arms[1].median / arms[0].median:.2f}** (goal ≤ 1.5)")
        summary["export_peak"] = arms[1].peak
        summary["export_rows"] = rows
    if "load" in cases:
        from cases_load import case_load

        sections.append(case_load(database, users))
    text = "\n\n".join(sections) + "\n"
    print(text, flush=True)
    (OUTPUT / f"results-{size}.md").write_text(text, encoding="utf-8")
    (OUTPUT / f"summary-{size}.json").write_text(json.dumps(summary), encoding="utf-8")
    del Enterprise


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        run_one(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), set(sys.argv[5].split(",")))
    else:
        main()
