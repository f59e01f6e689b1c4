"""企业名录: the registry list — its columns and its planner (docs/domain.md §7).

A row creates or updates a registry entry; blank cells never erase what is recorded. A county
official imports their own unit's list and updates only the cultivation fields of an enterprise
already registered (the registry itself is the bureau's).

A registered enterprise listed under another unit (bureau staff only) moves there from the
announcement date: a dated 迁移 event (docs/domain.md §2, ``enterprises.events``), so figures
before that date keep it in its former unit; without an announcement date the row is an error.
培育阶段 已认定 is never stored (it follows from the certificates): such a cell changes nothing.
Stage changes are kept in the stage history (``StageChange``).
"""

import datetime

from enterprises import rules
from enterprises.events import event_error
from enterprises.models import CultivationStage, Enterprise, EventKind, Stage, TechField
from imports.models import ImportKind
from units.models import County

from .. import cells
from ..changes import apply_changes, differences
from ..columns import COUNTY, CREDIT_CODE, DATE, NAME, SERIAL, TEXT, Column, KindSpec
from ..matching import (
    NEW,
    check_scope,
    county_of_row,
    is_former_name,
    load_enterprises,
    new_enterprise,
    resolve_enterprise,
    warn_unit_hints,
)
from ..planning import Claim, Context, FileKey, Move, Outcome, Planner, Row, Writes

SPEC = KindSpec(
    kind=ImportKind.ENTERPRISES,
    sheet_title="企业名录",
    required=("credit_code", "name"),
    columns=(
        SERIAL,
        CREDIT_CODE,
        NAME,
        COUNTY,
        Column(
            "established_on",
            "成立日期",
            ("成立时间", "注册日期", "注册时间"),
            cells.date,
            datetime.date(2018, 5, 20),
            DATE,
        ),
        Column(
            "tech_field",
            "技术领域",
            ("所属技术领域", "高新技术领域", "领域"),
            cells.choice(TechField),
            TechField.MANUFACTURING.label,
        ),
        Column(
            "industry",
            "行业",
            ("所属行业", "国民经济行业", "行业类别"),
            cells.text(cells.max_length(Enterprise, "industry")),
            "专用设备制造业",
        ),
        Column(
            "address",
            "地址",
            ("企业地址", "注册地址", "通讯地址", "联系地址", "详细地址"),
            cells.text(cells.max_length(Enterprise, "address")),
            "通辽市科尔沁区某某路1号",
        ),
        Column(
            "contact_person",
            "联系人",
            ("企业联系人", "联系人姓名"),
            cells.text(cells.max_length(Enterprise, "contact_person")),
            "张三",
        ),
        Column(
            "contact_phone",
            "联系电话",
            ("电话", "手机", "手机号码", "联系方式", "联系人电话"),
            cells.text(cells.max_length(Enterprise, "contact_phone")),
            "0475-0000000",
            TEXT,
        ),
        Column("stage", "培育阶段", ("阶段",), cells.choice(Stage), Stage.KEY.label),
    ),
)

ENTERPRISE_FIELDS = ("established_on", "tech_field", "industry", "address", "contact_person", "contact_phone", "stage")
# What a county official may change on an enterprise already registered (as CultivationForm).
COUNTY_EDITABLE_FIELDS = ("contact_person", "contact_phone", "stage")
CERTIFIED_NOT_STORED = "已认定由证书自动判断，未修改培育阶段"


class EnterprisePlanner(Planner[str]):
    """A row's keys in the file are its credit code and its name; its facts, the name's key."""

    def __init__(self, ctx: Context, rows: list[Row]) -> None:
        super().__init__(ctx, rows)
        load_enterprises(ctx, rows)

    def claim(self, row: Row) -> Claim[str] | None:
        if not row.require(self.spec, ("name",)):
            return None
        code = row.values.get("credit_code")
        key = rules.name_key(row.values["name"])
        by_name = FileKey(("name", key), "name", "的企业名称重复")
        keys = (FileKey(("code", code), "credit_code", "重复"), by_name) if code else (by_name,)
        return Claim(keys, key)

    def plan(self, row: Row, key: str, writes: Writes) -> Outcome | None:
        """Resolve the row's enterprise, then create it or update it."""
        enterprise = resolve_enterprise(row, self.ctx)
        if enterprise is None:
            return None
        if row.values.get("stage") == Stage.CERTIFIED:
            # 已认定 is never stored: it follows from holding a valid certificate.
            row.warn(self.spec, "stage", CERTIFIED_NOT_STORED)
            row.values["stage"] = None
        if enterprise is NEW:
            return self._create(row, writes)
        return self._update(row, enterprise, key, writes)

    def _create(self, row: Row, writes: Writes) -> Outcome | None:
        if not row.values.get("credit_code"):
            row.error(self.spec, "credit_code", "名录中没有该企业，新建企业须填写统一社会信用代码")
            return None
        created = new_enterprise(row, self.ctx, stage=row.values.get("stage") or CultivationStage.RESERVE)
        if created is None:
            return None
        for name in ENTERPRISE_FIELDS:
            if row.values.get(name) is not None:
                setattr(created, name, row.values[name])
        writes.add_enterprise(created)
        row.result.changes.append(f"新建企业（{created.county.name}）")
        return Outcome.CREATE

    def _update(self, row: Row, enterprise: Enterprise, key: str, writes: Writes) -> Outcome | None:
        county, ok = county_of_row(row, self.ctx)
        if not ok or (county is not None and not check_scope(row, self.ctx, county)):
            return None
        # A county official's rows are their own unit's (``check_scope``): only the bureau's move.
        target = county if row.values.get("county") and county is not None else enterprise.county
        moving = target != enterprise.county
        if moving and not self._move(row, enterprise, target, writes):
            return None
        warn_unit_hints(row, self.ctx, target, new=moving, column=False)
        changes = differences(enterprise, self._wanted(row, enterprise, key))
        if "stage" in changes:
            writes.stage_changes.append((enterprise, enterprise.stage, str(changes["stage"])))
        outcome = apply_changes(row.result, writes.enterprise_updates, enterprise, changes, hidden=("name_key",))
        if "name" in changes:
            self.ctx.by_key[key] = enterprise
        return Outcome.UPDATE if moving else outcome

    def _move(self, row: Row, enterprise: Enterprise, to: County, writes: Writes) -> bool:
        """A registered enterprise listed under another unit: a move dated by the announcement
        (``enterprises.events.enterprise_move`` on commit), never an overwritten unit."""
        on = self.ctx.options.announced_on
        origin = enterprise.county.name
        if on is None:
            reason = f"该企业登记在{origin}，表中为{to.name}：迁移须有生效日期，请在导入时填写公告日期"
            row.error(self.spec, "county", reason)
            return False
        refused = event_error(enterprise, EventKind.MOVE, on, to)
        if refused:
            row.error(self.spec, "county", refused)
            return False
        writes.moves.append(Move(enterprise, to, on))
        row.warn(self.spec, "county", f"迁移：{origin} → {to.name}，自 {on.isoformat()} 起（此前的统计仍计入{origin}）")
        return True

    def _wanted(self, row: Row, enterprise: Enterprise, key: str) -> dict[str, object]:
        """The fields the row sets: the cultivation fields only, for a county official. A name
        that is one of the enterprise's former names does not rename it back."""
        renamed = enterprise.name_key != key and not is_former_name(self.ctx, enterprise, key)
        if not self.ctx.scope.is_city:
            wanted = {name: row.values.get(name) for name in COUNTY_EDITABLE_FIELDS}
            other = {name: row.values.get(name) for name in ENTERPRISE_FIELDS if name not in COUNTY_EDITABLE_FIELDS}
            if differences(enterprise, other) or renamed:
                row.warn(
                    self.spec,
                    "name",
                    "已登记企业只导入培育阶段、联系人和联系电话；名称、成立日期、技术领域、行业、地址的差异"
                    "未导入，如需更改请联系市科技局",
                )
            return wanted
        wanted = {name: row.values.get(name) for name in ENTERPRISE_FIELDS}
        if renamed:
            wanted["name"] = row.values["name"]
            wanted["name_key"] = key
        return wanted
