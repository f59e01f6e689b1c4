"""The one scoping rule every query passes through (style.md: NetBox's ``restrict()``).

A ``Scope`` says which assessment units a reader may see: the whole city (bureau staff,
leaders, the command line's operator), one unit (a county official), or nothing (anyone
else). It is built once from a user (``Scope.of``) or given by the command line
(``Scope.city()``), and used alike by querysets (``ScopedQuerySet.visible_to``), counting,
cache keys, workbook titles and imports.

This module imports no other app: a user is read through the attributes every portal user
has (``is_authenticated``, ``sees_all_counties``, ``is_county_official``, ``county_id``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol, Self

from django.db import models
from django.db.models import Q


class Reach(enum.Enum):
    CITY = "city"
    UNIT = "unit"
    NOTHING = "nothing"


class ScopedUser(Protocol):
    """What the scope reads of a user (``accounts.models.User`` has all of it)."""

    @property
    def is_authenticated(self) -> bool: ...
    @property
    def sees_all_counties(self) -> bool: ...
    @property
    def is_county_official(self) -> bool: ...
    @property
    def county_id(self) -> int | None: ...


@dataclass(frozen=True)
class Scope:
    """Which units a reader sees. Compare, hash and use as a cache key part freely."""

    reach: Reach
    county_id: int | None = None

    @classmethod
    def city(cls) -> Scope:
        return cls(Reach.CITY)

    @classmethod
    def unit(cls, county_id: int) -> Scope:
        return cls(Reach.UNIT, county_id)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(Reach.NOTHING)

    @classmethod
    def of(cls, who: ScopedUser | Scope | None) -> Scope:
        """The scope of a user: all units for those who see all counties, their own unit for a
        county official bound to one, nothing for anyone else (anonymous, no role, no unit).
        A ``Scope`` passes through unchanged, so functions may take either."""
        if isinstance(who, Scope):
            return who
        if who is None or not who.is_authenticated:
            return cls.nothing()
        if who.sees_all_counties:
            return cls.city()
        if who.is_county_official and who.county_id:
            return cls.unit(who.county_id)
        return cls.nothing()

    @property
    def is_city(self) -> bool:
        return self.reach is Reach.CITY

    @property
    def is_unit(self) -> bool:
        return self.reach is Reach.UNIT

    def q(self, unit_path: str) -> Q:
        """A condition restricting ``unit_path`` (e.g. ``"enterprise__county"``) to this scope.

        An empty path restricts County rows themselves.
        """
        if self.reach is Reach.CITY:
            return Q()
        if self.reach is Reach.UNIT:
            key = f"{unit_path}_id" if unit_path else "pk"
            return Q(**{key: self.county_id})
        return Q(pk__in=[])

    def includes(self, county_id: int | None) -> bool:
        """Whether a row of unit ``county_id`` is in this scope (for objects already in memory)."""
        if self.reach is Reach.CITY:
            return True
        return self.reach is Reach.UNIT and county_id == self.county_id

    @property
    def key(self) -> str:
        """A short stable text for cache keys: everyone who sees the whole city shares one entry."""
        if self.reach is Reach.UNIT:
            return f"county-{self.county_id}"
        return str(self.reach.value)


class ScopedQuerySet(models.QuerySet[Any]):
    """Base of every queryset that readers see: subclasses name their path to the unit.

    ``visible_to(who)`` is the one scoping path (a user or a ``Scope``): an object outside it
    is treated as missing (404), never fetched and then dropped.
    """

    unit_path: str = ""

    def visible_to(self, who: Any) -> Self:
        return self.filter(Scope.of(who).q(self.unit_path))
