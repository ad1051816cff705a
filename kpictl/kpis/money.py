"""Costs in the reporting currency: conversion at fixed rates, and accrual over a span."""

from __future__ import annotations

from kpictl.config import Config
from kpictl.dates import DAY
from kpictl.errors import KpictlError
from kpictl.kpis.timeline import Cost

YEAR_DAYS = 365.25


class Money:
    def __init__(self, config: Config, path: str) -> None:
        self.rates = dict(config.rates)
        self.rates[config.reporting_currency] = 1.0
        self.config = config
        self.path = path

    def convert(self, cost: Cost) -> float:
        rate = self.rates.get(cost.currency)
        if rate is None:
            raise KpictlError(
                f"{self.path}: the cost {cost.item!r} is in {cost.currency}, which has no "
                f"conversion rate to {self.config.reporting_currency}; add it to kpictl.yaml "
                f"under currency: {{rates: {{{cost.currency}: <{self.config.reporting_currency} "
                f"per {cost.currency}>}}}}"
            )
        return float(cost.amount) * rate

    def accrued(self, cost: Cost, start: float | None, end: float) -> float:
        """What ``cost`` adds between ``start`` (None: from its beginning) and ``end``."""
        amount = self.convert(cost)
        if cost.per == "once":
            return amount if cost.starts_at <= end else 0.0
        begin = cost.starts_at if start is None else max(cost.starts_at, start)
        stop = end if cost.ends_at is None else min(end, cost.ends_at)
        if stop <= begin:
            return 0.0
        per_day = amount * 12 / YEAR_DAYS if cost.per == "month" else amount / YEAR_DAYS
        return per_day * (stop - begin) / DAY
