"""Costs in the reporting currency: conversion at fixed rates, and accrual over a span.

A cost that cannot be converted (its currency has no rate in kpictl.yaml, or amount × rate is
too large to be a number) is never counted as zero: the KPIs it would count in and its
project's cost to date are unknown, the portfolio's totals leave it out and say so, and the run
warns once per project and currency.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol

from kpictl.config import Config
from kpictl.dates import DAY
from kpictl.kpis.timeline import Timeline

YEAR_DAYS = 365.25
# The most a converted amount is multiplied by when accrued: monthly, over ten thousand years.
_MOST_ACCRUED = 12 * 10_000


class Accruing(Protocol):
    """A cost or a benefit: an amount once, or per month or year, over a span."""

    @property
    def amount(self) -> float: ...
    @property
    def currency(self) -> str: ...
    @property
    def per(self) -> str: ...
    @property
    def starts_at(self) -> int: ...
    @property
    def ends_at(self) -> int | None: ...


Cost = Accruing  # what the methods below say, for costs and benefits alike


class Money:
    def __init__(self, config: Config) -> None:
        self.rates = dict(config.rates)
        self.reporting = config.reporting_currency
        self.rates[self.reporting] = 1.0

    def has_rate(self, cost: Cost) -> bool:
        """Whether ``cost`` converts: its currency has a rate, and the amount in the reporting
        currency (and what it can accrue) is a finite number."""
        rate = self.rates.get(cost.currency)
        return rate is not None and math.isfinite(float(cost.amount) * rate * _MOST_ACCRUED)

    def convert(self, cost: Cost) -> float:
        """The amount in the reporting currency; only for a cost that ``has_rate``."""
        return float(cost.amount) * self.rates[cost.currency]

    def accrued(self, cost: Cost, start: float | None, end: float) -> float:
        """What ``cost`` adds between ``start`` (None: from its beginning) and ``end``, in the
        reporting currency; only for a cost that ``has_rate``."""
        return self._accrued(cost, self.convert(cost), start, end)

    def accrues(self, cost: Cost, start: float | None, end: float) -> bool:
        """Whether ``cost`` adds anything between ``start`` and ``end``, whatever its currency."""
        return self._accrued(cost, float(cost.amount), start, end) != 0

    @staticmethod
    def _accrued(cost: Cost, amount: float, start: float | None, end: float) -> float:
        if cost.per == "once":
            return amount if cost.starts_at <= end else 0.0
        begin = cost.starts_at if start is None else max(cost.starts_at, start)
        stop = end if cost.ends_at is None else min(end, cost.ends_at)
        if stop <= begin:
            return 0.0
        return Money._per_day(cost, amount) * (stop - begin) / DAY

    @staticmethod
    def _per_day(cost: Cost, amount: float) -> float:
        return amount * 12 / YEAR_DAYS if cost.per == "month" else amount / YEAR_DAYS

    def rate_at(self, cost: Cost, moment: float) -> float:
        """What a recurring ``cost`` adds per second just after ``moment`` (0 outside its span,
        and for a one-off), in the reporting currency; only for a cost that ``has_rate``."""
        if cost.per == "once" or moment < cost.starts_at:
            return 0.0
        if cost.ends_at is not None and moment >= cost.ends_at:
            return 0.0
        return self._per_day(cost, self.convert(cost)) / DAY

    def missing_rates(self, costs: Iterable[Cost]) -> list[str]:
        """The currencies of the ``costs`` that do not convert (``has_rate``), sorted."""
        return sorted({c.currency for c in costs if not self.has_rate(c)})

    def left_out(self, costs: Iterable[Cost], end: float) -> list[str]:
        """The currencies of the ``costs`` that add something by ``end`` but do not convert:
        what a total to ``end`` would leave out."""
        return self.missing_rates(c for c in costs if self.accrues(c, None, end))

    def problem(self, currency: str) -> tuple[str, str]:
        """Why costs in ``currency`` do not convert, and what to do about it."""
        if currency in self.rates:
            return (
                f"costs in {currency} times the rate to {self.reporting} are too large to compute",
                f"check the amounts and the rate of {currency} in kpictl.yaml",
            )
        return (
            f"costs in {currency} have no conversion rate to {self.reporting}",
            f"add `{self.rates_to_add([currency])}` to kpictl.yaml",
        )

    def rates_to_add(self, currencies: list[str]) -> str:
        """What to write in kpictl.yaml so that ``currencies`` convert."""
        wanted = ", ".join(f"{c}: <{self.reporting} per {c}>" for c in currencies)
        return f"currency: {{rates: {{{wanted}}}}}"

    def missing_note(self, costs: Iterable[Cost]) -> str:
        """Why a KPI over ``costs`` is unknown, and the kpictl.yaml line that fixes it."""
        currencies = self.missing_rates(costs)
        unrated = [c for c in currencies if c not in self.rates]
        notes = ["; ".join(self.problem(c)) for c in currencies if c in self.rates]
        if unrated:
            notes.insert(
                0,
                f"costs in {', '.join(unrated)} have no conversion rate to {self.reporting}; "
                f"add `{self.rates_to_add(unrated)}` to kpictl.yaml",
            )
        return "; ".join(notes)


def missing_rate_warnings(timelines: Iterable[Timeline], money: Money) -> list[str]:
    """One warning per project and currency that does not convert."""
    return [
        f"{t.path}: {why}, so this project's cost KPIs that include them are unknown and its "
        f"cost totals leave them out; {fix}"
        for t in timelines
        for why, fix in map(money.problem, money.missing_rates(t.costs))
    ]


def benefit_rate_warnings(timelines: Iterable[Timeline], money: Money) -> list[str]:
    """One warning per project and currency of a benefit that does not convert."""
    return [
        f"{t.path}: {why.replace('costs in', 'benefits in')}, so this project's value KPIs "
        f"are unknown and the portfolio's value leaves them out; {fix}"
        for t in timelines
        for why, fix in map(money.problem, money.missing_rates(t.benefits))
    ]
