"""Costs in the reporting currency: conversion at fixed rates, and accrual over a span.

A cost in a currency with no rate in kpictl.yaml cannot be converted: the KPIs it would count
in are unknown, totals leave it out, and the run warns once per project and currency.
"""

from __future__ import annotations

from collections.abc import Iterable

from kpictl.config import Config
from kpictl.dates import DAY
from kpictl.kpis.timeline import Cost, Timeline

YEAR_DAYS = 365.25


class Money:
    def __init__(self, config: Config) -> None:
        self.rates = dict(config.rates)
        self.reporting = config.reporting_currency
        self.rates[self.reporting] = 1.0

    def has_rate(self, cost: Cost) -> bool:
        return cost.currency in self.rates

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
        per_day = amount * 12 / YEAR_DAYS if cost.per == "month" else amount / YEAR_DAYS
        return per_day * (stop - begin) / DAY

    def missing_rates(self, costs: Iterable[Cost]) -> list[str]:
        """The currencies of ``costs`` that have no rate, sorted."""
        return sorted({c.currency for c in costs if not self.has_rate(c)})

    def rates_to_add(self, currencies: list[str]) -> str:
        """What to write in kpictl.yaml so that ``currencies`` convert."""
        wanted = ", ".join(f"{c}: <{self.reporting} per {c}>" for c in currencies)
        return f"currency: {{rates: {{{wanted}}}}}"

    def missing_note(self, costs: Iterable[Cost]) -> str:
        """Why a KPI over ``costs`` is unknown, and the kpictl.yaml line that fixes it."""
        currencies = self.missing_rates(costs)
        return (
            f"costs in {', '.join(currencies)} have no conversion rate to {self.reporting}; "
            f"add `{self.rates_to_add(currencies)}` to kpictl.yaml"
        )


def missing_rate_warnings(timelines: Iterable[Timeline], money: Money) -> list[str]:
    """One warning per project and currency without a rate."""
    return [
        f"{t.path}: costs in {currency} have no conversion rate to {money.reporting}, so this "
        f"project's cost KPIs that include them are unknown and its cost totals leave them out; "
        f"add `{money.rates_to_add([currency])}` to kpictl.yaml"
        for t in timelines
        for currency in money.missing_rates(t.costs)
    ]
