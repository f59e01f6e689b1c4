"""Recognising the unit a list names: by code, name, short name or place text (docs/domain.md §2)."""

from units.models import County

# Common short names of the units, keyed by their stable code (docs/domain.md §2).
COUNTY_ALIASES = {
    "科左中旗": "150521",
    "科尔沁左翼中旗": "150521",
    "科左后旗": "150522",
    "科尔沁左翼后旗": "150522",
    "开鲁": "150523",
    "库伦": "150524",
    "奈曼": "150525",
    "扎鲁特": "150526",
    "扎旗": "150526",
    "霍林郭勒": "150581",
    "霍市": "150581",
    "开发区": "150571",
    "经济技术开发区": "150571",
    "经开区": "150571",
    "通辽开发区": "150571",
    "通辽经开区": "150571",
    "科尔沁": "150502",
}
# Prefixes a place column may carry before the unit's own name.
PLACE_PREFIXES = ("内蒙古自治区", "内蒙古", "通辽市", "通辽")


class Counties:
    """Units by id (all of them) and, for the active ones, by code, name, short name and place
    text ("通辽市科尔沁区"): a list may only assign an enterprise to an active unit."""

    def __init__(self) -> None:
        self.by_id = {county.pk: county for county in County.objects.all()}
        self.by_code = {county.code: county for county in self.by_id.values()}
        self.active = [county for county in self.by_id.values() if county.is_active]
        self.by_text: dict[str, County] = {}
        for county in self.active:
            self.by_text[county.code] = county
            self.by_text[county.name] = county
        by_code = {county.code: county for county in self.active}
        for alias, code in COUNTY_ALIASES.items():
            if code in by_code:
                self.by_text.setdefault(alias, by_code[code])

    def find(self, text: str) -> County | None:
        text = text.replace(" ", "")
        found = self.by_text.get(text)
        while found is None:
            shorter = next((text.removeprefix(p) for p in PLACE_PREFIXES if text.startswith(p)), text)
            if shorter == text:
                break
            text = shorter
            found = self.by_text.get(text)
        return found

    def of_credit_code(self, code: str) -> County | None:
        """The unit whose code is the credit code's area code (positions 3–8, docs/domain.md §3), or
        None (通辽市本级 150500, another 1505xx code, another city). Only ever a hint: the office
        where the enterprise first registered, not its unit (docs/domain.md §2)."""
        return self.by_code.get(code[2:8]) if len(code) == 18 else None

    @property
    def allowed(self) -> str:
        return "、".join(county.name for county in self.active)
