"""A realistic synthetic data set for trying the portal out (flagged ``is_demo``).

It reproduces the figures the 2023–2025 plan quotes — 37 valid HTEs and 20 registered
SMEs at the end of 2020, 53 and 58 at the end of 2022 — and gives every county
certificates, registrations and a cultivation pool. The simulation follows the rules
of docs/domain.md: certificates last three years, about seven in ten holders are
re-certified in the year their certificate lapses (often before it expires, so two
certificates overlap), and SME registrations are renewed year by year.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction

from enterprises import rules
from enterprises.models import (
    CertificationKind,
    Enterprise,
    HighTechCertification,
    Stage,
    TechField,
    TechSMERegistration,
)
from units.models import County

# Valid HTEs at each year's end (2020 and 2022 are the plan's quoted baselines).
HTE_YEAR_END = {2018: 18, 2019: 28, 2020: 37, 2021: 45, 2022: 53, 2023: 61, 2024: 77, 2025: 94, 2026: 104}
# Registered SMEs per evaluation year (2020 and 2022 are the plan's quoted baselines).
SME_PER_YEAR = {2020: 20, 2021: 36, 2022: 58, 2023: 74, 2024: 121, 2025: 183, 2026: 196}
RENEWAL_RATE = 0.7
# Batches are issued in autumn and winter (docs/domain.md §4).
BATCH_DAYS = [(10, 26), (11, 30), (12, 14)]
POOL_SIZE = 60  # enterprises in cultivation with neither certificate nor registration

# Share of enterprises per county code: the central district and the zone hold most.
COUNTY_WEIGHTS = {
    "150502": 34,
    "150571": 16,
    "150581": 8,
    "150521": 7,
    "150522": 7,
    "150523": 8,
    "150524": 5,
    "150525": 8,
    "150526": 7,
}

NAME_PREFIXES = [
    "通辽",
    "科尔沁",
    "蒙东",
    "草原",
    "北方",
    "金宇",
    "华源",
    "博远",
    "恒信",
    "瑞丰",
    "天成",
    "鑫达",
    "蒙泰",
    "绿源",
    "嘉禾",
    "中科",
    "兴安",
    "远航",
    "德润",
    "聚能",
    "铭泰",
    "启明",
    "青城",
    "万通",
    "安达",
    "宏图",
    "昊天",
    "益生",
    "锦程",
    "东方",
    "长河",
    "银丰",
    "泰和",
    "凯瑞",
    "新禾",
    "佳诚",
    "汇智",
    "华蒙",
    "富源",
    "信达",
]
NAME_CORES = [
    ("生物科技", TechField.BIOMEDICINE),
    ("新材料", TechField.MATERIALS),
    ("农牧科技", TechField.BIOMEDICINE),
    ("电子科技", TechField.ELECTRONICS),
    ("智能装备", TechField.MANUFACTURING),
    ("环保科技", TechField.ENVIRONMENT),
    ("新能源", TechField.ENERGY),
    ("药业", TechField.BIOMEDICINE),
    ("信息技术", TechField.ELECTRONICS),
    ("食品科技", TechField.BIOMEDICINE),
    ("化工", TechField.MATERIALS),
    ("机械制造", TechField.MANUFACTURING),
    ("软件", TechField.ELECTRONICS),
    ("检测技术", TechField.HIGH_TECH_SERVICES),
    ("节能技术", TechField.ENERGY),
]
NAME_SUFFIXES = ["有限公司", "有限公司", "有限责任公司", "股份有限公司", "（通辽）有限公司"]


def make_credit_code(rng: random.Random, area_code: str) -> str:
    """A credit code with a correct check character (docs/domain.md §3), enterprise category."""
    body = "91" + area_code + "".join(rng.choice(rules.CREDIT_CODE_ALPHABET) for _ in range(9))
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


@dataclass
class _Plan:
    """What the simulation decided, before anything is written."""

    enterprises: list[Enterprise] = field(default_factory=list)
    certifications: list[tuple[int, dict]] = field(default_factory=list)
    registrations: list[tuple[int, dict]] = field(default_factory=list)


class DemoLoader:
    def __init__(self, seed: int = 2023, today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.today = today or datetime.date.today()
        self.counties = list(County.objects.filter(code__in=COUNTY_WEIGHTS))
        self.county_weights = [COUNTY_WEIGHTS[c.code] for c in self.counties]
        names = [f"{p}{core}{suffix}" for p in NAME_PREFIXES for core, _ in NAME_CORES for suffix in NAME_SUFFIXES[:1]]
        self.name_pool = self.rng.sample(names, len(names))
        self.plan = _Plan()
        self.cert_serial = 0
        self.sme_serial = 0

    # -- building blocks --------------------------------------------------------------
    def _new_enterprise(self) -> int:
        county = self.rng.choices(self.counties, weights=self.county_weights)[0]
        name = self.name_pool.pop()
        if self.rng.random() < 0.15:
            name = name.replace("有限公司", self.rng.choice(NAME_SUFFIXES))
        core_field = next((f for core, f in NAME_CORES if core in name), "")
        enterprise = Enterprise(
            credit_code=make_credit_code(self.rng, county.code),
            name=name,
            county=county,
            established_on=datetime.date(
                self.rng.randint(2003, 2019), self.rng.randint(1, 12), self.rng.randint(1, 28)
            ),
            tech_field=core_field,
            industry=self.rng.choice(
                ["制造业", "信息传输、软件和信息技术服务业", "科学研究和技术服务业", "农、林、牧、渔业"]
            ),
            address=f"内蒙古自治区通辽市{county.name}",
            contact_person=self.rng.choice("王李张刘陈杨赵黄周吴") + self.rng.choice(["经理", "主任", "女士", "先生"]),
            contact_phone=f"0475-{self.rng.randint(8000000, 8999999)}",
            stage=Stage.RESERVE,
            is_demo=True,
        )
        self.plan.enterprises.append(enterprise)
        return len(self.plan.enterprises) - 1

    def _issue_date(self, year: int) -> datetime.date:
        dates = [datetime.date(year, m, d) for m, d in BATCH_DAYS]
        dates = [d for d in dates if d <= self.today - datetime.timedelta(days=7)]
        return self.rng.choice(dates) if dates else datetime.date(year, 1, 15)

    def _certify(self, index: int, issued_on: datetime.date, kind: str) -> dict:
        self.cert_serial += 1
        cert = {
            "number": f"GR{issued_on.year}15{self.cert_serial:06d}",
            "issued_on": issued_on,
            "kind": kind,
            "batch": f"{issued_on.year}年第{BATCH_DAYS.index((issued_on.month, issued_on.day)) + 1}批"
            if (issued_on.month, issued_on.day) in BATCH_DAYS
            else "",
        }
        self.plan.certifications.append((index, cert))
        return cert

    # -- the simulation ----------------------------------------------------------------
    def simulate_high_tech(self):
        holders: dict[int, dict] = {}  # enterprise index -> its latest certificate
        for year in sorted(HTE_YEAR_END):
            if datetime.date(year, 1, 1) > self.today:
                break
            lapsing = sorted(i for i, cert in holders.items() if cert["issued_on"].year == year - 3)
            renewing = set(self.rng.sample(lapsing, round(RENEWAL_RATE * len(lapsing))))
            for index in lapsing:
                if index in renewing:
                    holders[index] = self._certify(index, self._issue_date(year), CertificationKind.RENEWAL)
                else:
                    del holders[index]
            if year == 2024:
                # One qualification revoked (取消资格) mid-year: it stops counting from that day.
                victim = min(i for i, cert in holders.items() if cert["issued_on"].year == 2023)
                holders[victim]["revoked_on"] = datetime.date(2024, 6, 18)
                holders[victim]["revoke_reason"] = "年度发展情况报表连续两年未填报"
                holders[victim]["revoke_document"] = "内科高企〔2024〕3号"
                del holders[victim]
            for _ in range(HTE_YEAR_END[year] - len(holders)):
                index = self._new_enterprise()
                holders[index] = self._certify(index, self._issue_date(year), CertificationKind.FIRST)
        self.hte_holders = set(holders)

    def simulate_sme(self):
        certified = sorted({index for index, _ in self.plan.certifications})
        registered_last_year: list[int] = []
        for year, count in sorted(SME_PER_YEAR.items()):
            latest = min(datetime.date(year, 10, 31), self.today - datetime.timedelta(days=7))
            keep = self.rng.sample(registered_last_year, min(len(registered_last_year), int(count * 0.75)))
            chosen = list(keep)
            extra_hte = [i for i in certified if i not in chosen]
            self.rng.shuffle(extra_hte)
            chosen += extra_hte[: max(0, min(len(extra_hte), count // 6))]
            while len(chosen) < count:
                chosen.append(self._new_enterprise())
            chosen = chosen[:count]
            for index in chosen:
                self.sme_serial += 1
                day = datetime.date(year, 5, 20) + datetime.timedelta(
                    days=self.rng.randint(0, (latest - datetime.date(year, 5, 20)).days)
                )
                code = self.plan.enterprises[index].county.code
                registration = {"year": year, "number": f"{year}{code}0{self.sme_serial:07d}", "registered_on": day}
                if year == 2025 and index == chosen[-1]:
                    registration["revoked_on"] = datetime.date(2025, 11, 5)
                    registration["revoke_reason"] = "核查发现不符合评价条件"
                self.plan.registrations.append((index, registration))
            registered_last_year = chosen

    def assign_stages(self):
        for index in self.hte_holders:
            self.plan.enterprises[index].stage = Stage.CERTIFIED
        for _ in range(POOL_SIZE):
            index = self._new_enterprise()
            self.plan.enterprises[index].stage = self.rng.choice(
                [Stage.RESERVE, Stage.RESERVE, Stage.KEY, Stage.APPLIED]
            )
        for enterprise in self.plan.enterprises:
            if enterprise.stage == Stage.RESERVE and self.rng.random() < 0.25:
                enterprise.stage = Stage.KEY

    @transaction.atomic
    def write(self) -> dict[str, int]:
        for enterprise in self.plan.enterprises:
            enterprise.name = rules.normalize_name(enterprise.name)
            enterprise.name_key = rules.name_key(enterprise.name)
        saved = Enterprise.objects.bulk_create(self.plan.enterprises, batch_size=500)
        certs = []
        for index, data in self.plan.certifications:
            certs.append(
                HighTechCertification(
                    enterprise=saved[index], valid_until=rules.hte_valid_until(data["issued_on"]), **data
                )
            )
        HighTechCertification.objects.bulk_create(certs, batch_size=500)
        regs = [TechSMERegistration(enterprise=saved[index], **data) for index, data in self.plan.registrations]
        TechSMERegistration.objects.bulk_create(regs, batch_size=500)
        return {"enterprises": len(saved), "certifications": len(certs), "registrations": len(regs)}

    def write_quotas(self) -> int:
        """Demo county quotas: each plan year's city target split by the county weights.

        The plan publishes no quota table (docs/domain.md §1); these exist only so the demo's
        dashboards and assessment have something to show.
        """
        from targets.models import AnnualTarget, CountyQuota, Indicator

        rows = []
        for target in AnnualTarget.objects.select_related("plan"):
            for county, value in split_by_weight(target.value, self.counties, self.county_weights).items():
                rows.append(
                    CountyQuota(
                        plan=target.plan, year=target.year, county=county, indicator=target.indicator, value=value
                    )
                )
            if target.indicator == Indicator.HIGH_TECH:
                new_total = round(target.value * 0.25)
                for county, value in split_by_weight(new_total, self.counties, self.county_weights).items():
                    rows.append(
                        CountyQuota(
                            plan=target.plan,
                            year=target.year,
                            county=county,
                            indicator=Indicator.HIGH_TECH_NEW,
                            value=value,
                        )
                    )
        CountyQuota.objects.bulk_create(rows, ignore_conflicts=True)
        return len(rows)

    def run(self) -> dict[str, int]:
        self.simulate_high_tech()
        self.simulate_sme()
        self.assign_stages()
        counts = self.write()
        counts["quotas"] = self.write_quotas()
        return counts


def split_by_weight(total: int, counties: list, weights: list[int]) -> dict:
    """Split ``total`` over counties in proportion to ``weights`` (largest remainder; sums to total)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    values = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - values[i], reverse=True)
    for i in by_remainder[: total - sum(values)]:
        values[i] += 1
    return dict(zip(counties, values, strict=True))
