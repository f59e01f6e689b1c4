"""The evaluation written out in sentences: the same words on the page and in the Word draft.

Figures come from an ``evaluation.Evaluation`` and nothing else; percentages are
``progress.Cell.completion_percent`` (the completion ratio to 1 place), growth is
``evaluation.Growth`` in the plan's own words ("较2020年底37家增长1.7倍（为其2.7倍）").
"""

import datetime
from dataclasses import dataclass

from targets.models import Indicator

from .evaluation import CityIndicator, Evaluation, Growth, UnitIndicator, UnitRow, YearFigure

CHINESE_NUMERALS = "一二三四五六七八九十"
NOUNS = {
    Indicator.HIGH_TECH: "有效期内高新技术企业",
    Indicator.TECH_SME: "入库科技型中小企业",
    Indicator.HIGH_TECH_NEW: "首次认定高新技术企业",
}


def numbered(position: int) -> str:
    """（一）, （二）, … for the position 0, 1, …"""
    return f"（{CHINESE_NUMERALS[position]}）"


def date_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def percent(figure: YearFigure) -> str:
    return f"{figure.cell.completion_percent}%"


def when(indicator: Indicator, figure: YearFigure) -> str:
    """2025年底 (a stock at the year's end), 2025年 (a year's flow), or the date a year not over is counted at."""
    year_end = figure.as_of == datetime.date(figure.year, 12, 31)
    if indicator == Indicator.HIGH_TECH:
        return f"{figure.year}年底" if year_end else f"截至{date_text(figure.as_of)}"
    return f"{figure.year}年" if year_end else f"{figure.year}年（截至{date_text(figure.as_of)}）"


def growth_text(growth: Growth) -> str:
    """较2020年底37家增长1.7倍（为其2.7倍），年均增长22.0% — or 减少 / 持平 when it fell or stood still."""
    since = f"较{growth.baseline_year}年底{growth.baseline}家"
    if growth.ratio is None:
        return f"{growth.baseline_year}年底为{growth.baseline}家"
    if growth.actual > growth.baseline:
        text = f"{since}增长{growth.increase}倍（为其{growth.times}倍）"
    elif growth.actual < growth.baseline:
        text = f"{since}减少{growth.baseline - growth.actual}家（为其{growth.times}倍）"
    else:
        text = f"与{growth.baseline_year}年底{growth.baseline}家持平"
    rate = growth.annual_rate_percent
    if rate is None or growth.actual == growth.baseline:
        return text
    return f"{text}，年均{'增长' if rate >= 0 else '下降'}{abs(rate)}%"


def years_met_text(figures: tuple[YearFigure, ...], word: str) -> str:
    """方案期3个年度均完成目标 / 设定任务的2个年度中1个年度完成任务 / …均未完成目标."""
    with_target = [figure for figure in figures if figure.cell.target is not None]
    met = sum(1 for figure in with_target if figure.met)
    counted = f"设定{word}的{len(with_target)}个年度"
    if len(with_target) == len(figures):
        counted = f"方案期{len(figures)}个年度"
    if len(with_target) == 1:
        only = with_target[0]
        return f"{only.year}年{'完成' if only.met else '未完成'}{word}"
    if met == len(with_target):
        return f"{counted}均完成{word}"
    if met == 0:
        return f"{counted}均未完成{word}"
    return f"{counted}中{met}个年度完成{word}"


def _year_item(figure: YearFigure) -> str:
    cell = figure.cell
    if cell.target is None:
        return f"{figure.year}年{cell.actual}家"
    return f"{figure.year}年{cell.actual}家（目标{cell.target}家，完成{percent(figure)}）"


def _final_sentence(item: CityIndicator) -> str:
    final = item.final
    cell = final.cell
    text = f"{when(item.indicator, final)}全市{NOUNS[item.indicator]}{cell.actual}家"
    if cell.target is not None:
        text += f"，为方案目标{cell.target}家的{percent(final)}"
        text += "，完成目标" if final.met else f"，距目标尚差{cell.gap}家"
    elif item.has_targets:
        text += f"（方案未设定{final.year}年目标）"
    growth = item.growth
    if growth is not None:
        text += f"；{growth_text(growth)}"
    return text + "。"


def _years_sentence(item: CityIndicator) -> str:
    text = "分年度看，" + "，".join(_year_item(figure) for figure in item.years) + "。"
    if not item.has_targets:
        total = sum(figure.cell.actual for figure in item.years)
        return f"{text}方案期内合计{total}家，方案未设定该项目标。"
    return text + years_met_text(item.years, "目标") + "。"


@dataclass(frozen=True)
class Section:
    """A heading (（一）有效期内高新技术企业数。) and the sentences that follow it, one paragraph."""

    heading: str
    text: str


def city_sections(evaluation: Evaluation) -> list[Section]:
    """一、总体完成情况: one paragraph per indicator."""
    return [
        Section(
            heading=f"{numbered(position)}{item.indicator.label}。", text=_final_sentence(item) + _years_sentence(item)
        )
        for position, item in enumerate(evaluation.city)
    ]


def _unit_city_sentence(evaluation: Evaluation, indicator: Indicator) -> str:
    """How the units stand against the final year's quotas, for a reader who sees every unit."""
    final_year = evaluation.plan.last_year
    items = [(row, row.of(indicator)) for row in evaluation.units]
    with_quota = [(row, item) for row, item in items if item.final.cell.target is not None]
    if not with_quota:
        return f"各单位均未设定{final_year}年任务数。"
    met = [row.county.name for row, item in with_quota if item.final.met]
    behind = [f"{row.county.name}{percent(item.final)}" for row, item in with_quota if not item.final.met]
    text = f"{len(with_quota)}个单位设定了{final_year}年任务数，{len(met)}个完成任务"
    if met:
        text += f"（{'、'.join(met)}）"
    if behind:
        text += f"，{len(behind)}个未完成（{'、'.join(behind)}）"
    missing = [row.county.name for row, item in items if item.final.cell.target is None]
    if missing:
        text += f"；{'、'.join(missing)}未设定任务数"
    return text + "。"


def _own_unit_sentence(row: UnitRow, item: UnitIndicator) -> str:
    """One unit's final figure against its quota, for a county official."""
    final = item.final
    text = f"{when(item.indicator, final)}{row.county.name}{NOUNS[item.indicator]}{final.cell.actual}家"
    if final.cell.target is None:
        return f"{text}，未设定{final.year}年任务数。"
    text += f"，任务数{final.cell.target}家，完成{percent(final)}"
    return f"{text}；{years_met_text(item.years, '任务')}。"


def unit_sections(evaluation: Evaluation) -> list[Section]:
    """二、各旗县市区完成情况: one paragraph per indicator (the tables follow)."""
    sections = []
    for position, item in enumerate(evaluation.city):
        indicator = item.indicator
        if evaluation.ranked:
            text = _unit_city_sentence(evaluation, indicator)
        else:
            text = "".join(_own_unit_sentence(row, row.of(indicator)) for row in evaluation.units)
        sections.append(Section(heading=f"{numbered(position)}{indicator.label}。", text=text))
    return sections


def introduction(evaluation: Evaluation) -> str:
    plan = evaluation.plan
    number = f"（{plan.document_number}）" if plan.document_number else ""
    work = "终期评估" if evaluation.ended else f"截至{date_text(evaluation.as_of)}的阶段性评估"
    return (
        f"《{evaluation.plan_title}》{number}确定了{plan.first_year}—{plan.last_year}年各年度的目标任务。"
        f"按照方案要求，对方案实施情况进行了{work}，现将有关情况报告如下。"
    )


def counting_note(evaluation: Evaluation) -> str:
    """How the figures were counted (docs/domain.md §6), said once."""
    text = (
        "数据取自通辽市科技企业培育管理平台：有效期内高新技术企业数按各年12月31日有效的证书统计，"
        "入库科技型中小企业数为当年评价入库且未被撤销的企业数，首次认定高新技术企业数为当年首次认定的企业数"
    )
    if not evaluation.ended:
        text += f"；尚未结束的年度按{date_text(evaluation.as_of)}统计"
    return text + "。"
