"""旗县市区任务数: the county quota list — its columns and its planner (issue 6, docs/domain.md §1, §2).

One row per year and unit, one column per indicator headed by the indicator's own name
(targets.models.Indicator); the column key is the indicator's value. Each row sets a unit's
quotas for one year of the plan chosen for the import; a blank cell leaves that indicator's
quota as it is. A row creates when none of its indicators had a quota yet, updates when any
value differs from the stored one, and is unchanged otherwise. A year outside the plan, an
unknown unit and a second row for the same year and unit are errors; a total row (合计) is
skipped with a warning, as it is no unit's quota.
"""

from imports.models import ImportKind
from targets.models import CountyQuota, Indicator, Plan
from units.models import County

from .. import cells
from ..changes import set_fields
from ..columns import COUNTY, Column, KindSpec
from ..planning import Claim, Context, FileKey, Outcome, Planner, Row, Writes
from ..workbook import WorkbookError

SPEC = KindSpec(
    kind=ImportKind.QUOTAS,
    sheet_title="旗县市区任务数",
    required=("year", "county"),
    required_any=(Indicator.HIGH_TECH.value, Indicator.TECH_SME.value, Indicator.HIGH_TECH_NEW.value),
    row_headings=("旗县市区", "年度"),
    label_key="county",
    columns=(
        Column("year", "年度", ("年份", "任务年度", "考核年度"), cells.quota_year, 2025),
        Column(
            "county",
            COUNTY.label,
            (*COUNTY.synonyms, "单位", "单位名称", "所属单位"),
            cells.quota_county,
            f"{cells.EXAMPLE_MARK}科尔沁区（导入前请删除本行）",
        ),
        Column(
            Indicator.HIGH_TECH.value,
            Indicator.HIGH_TECH.label,
            ("有效期内高新技术企业", "高新技术企业数", "高新技术企业任务数"),
            cells.quota_value,
            30,
        ),
        Column(
            Indicator.TECH_SME.value,
            Indicator.TECH_SME.label,
            ("入库科技型中小企业", "科技型中小企业数", "科技型中小企业任务数"),
            cells.quota_value,
            45,
        ),
        Column(
            Indicator.HIGH_TECH_NEW.value,
            Indicator.HIGH_TECH_NEW.label,
            ("当年首次认定高新技术企业", "首次认定高新技术企业数", "当年新认定高新技术企业数"),
            cells.quota_value,
            8,
        ),
    ),
)

# What a quota sheet's city row says in its unit column besides 合计/小计 (which every kind skips,
# ``rows.is_total``); such a row is not a unit's quota.
QUOTA_TOTAL_ROWS = ("全市", "通辽市")


def _quota_text(value: int | None) -> str:
    return "（未设定）" if value is None else str(value)


class QuotaPlanner(Planner[tuple[int, County]]):
    """A row's key in the file is its year and unit; the preview shows the unit and the year."""

    total_note = "合计行，不导入（全市目标在“目标与任务”页面设定）"

    def __init__(self, ctx: Context, rows: list[Row]) -> None:
        super().__init__(ctx, rows)
        plan = ctx.options.plan
        if plan is None:
            raise WorkbookError("导入旗县市区任务数须选择一个现有的行动方案。")
        self.action_plan: Plan = plan
        self.stored = {
            (quota.year, quota.county_id, quota.indicator): quota
            for quota in CountyQuota.objects.filter(plan=plan).select_related("plan", "county")
        }

    def show(self, row: Row) -> None:
        row.result.label = row.written.get("county", "")
        row.result.key = row.written.get("year", "")

    def claim(self, row: Row) -> Claim[tuple[int, County]] | None:
        if (row.values.get("county") or "").replace(" ", "") in QUOTA_TOTAL_ROWS:
            row.result.warnings.append(f"{row.result.where}：{self.total_note}")
            return None
        year = self._year(row)
        county = self._county(row)
        if year is None or county is None or row.result.outcome == Outcome.ERROR:
            return None
        row.result.label = county.name
        return Claim((FileKey(("quota", year, county.pk), "county", "的年度和旗县市区重复"),), (year, county))

    def _year(self, row: Row) -> int | None:
        """The row's year, which the plan must cover (else an error)."""
        year = row.values.get("year")
        plan = self.action_plan
        if year is None:
            row.error(self.spec, "year", "年度不能为空")
        elif year not in plan.years:
            row.error(self.spec, "year", f"不在方案“{plan.name}”的年度范围内（{plan.first_year}—{plan.last_year}年）")
        return year

    def _county(self, row: Row) -> County | None:
        """The unit the row names, or None after an error."""
        if not row.values.get("county"):
            row.error(self.spec, "county", "所属旗县市区不能为空")
            return None
        return self.ctx.county_named(row, row.values["county"])

    def plan(self, row: Row, facts: tuple[int, County], writes: Writes) -> Outcome:
        year, county = facts
        given = [
            (indicator, row.values[indicator.value])
            for indicator in Indicator
            if row.values.get(indicator.value) is not None
        ]
        if not given:
            row.result.warnings.append(f"{row.result.where}：该行没有填写任何指标的任务数，不作更改")
            return Outcome.UNCHANGED
        existed = False
        for indicator, value in given:
            existed = self._set(row, writes, year, county, indicator, value) or existed
        if not row.result.changes:
            return Outcome.UNCHANGED
        return Outcome.UPDATE if existed else Outcome.CREATE

    def _set(self, row: Row, writes: Writes, year: int, county: County, indicator: Indicator, value: int) -> bool:
        """Set one indicator's quota (a change line when it differs); whether it had one already."""
        quota = self.stored.get((year, county.pk, indicator.value))
        if quota is None:
            row.result.changes.append(f"{indicator.label}：{_quota_text(None)} → {value}")
            writes.new_records.append(
                CountyQuota(plan=self.action_plan, year=year, county=county, indicator=indicator.value, value=value)
            )
            return False
        if quota.value != value:
            row.result.changes.append(f"{indicator.label}：{_quota_text(quota.value)} → {value}")
            before = set_fields(quota, {"value": value})
            writes.record_updates.append((before, quota))
        return True
