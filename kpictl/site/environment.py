"""The Jinja environment of the site's pages: its filters, its globals and the time zone.

Every string a user typed reaches the page through one of two filters: ``md`` for Markdown text
(every markup character becomes an HTML entity, so nothing is read as a link, emphasis or tag)
and Jinja2's HTML autoescape inside HTML blocks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import tzinfo
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from kpictl.config import Config
from kpictl.dates import DAY, long_day_text, minute_text
from kpictl.kpis import KpiValue, Report
from kpictl.output.report import md_escape
from kpictl.printable import bidi_visible
from kpictl.site import phrases


@dataclass(frozen=True)
class LocalTimes:
    """Moments as the pages show them, in the configured time zone; ``missing`` when none."""

    tz: tzinfo

    def when(self, epoch: int | None, missing: str = "") -> str:
        """A moment in the site's one time style: 12\u00a0Mar\u00a02027, 14:05."""
        if epoch is None:
            return missing
        return f"{long_day_text(epoch, self.tz)}, {minute_text(epoch, self.tz)[11:]}"

    def day(self, epoch: int | None, missing: str = "") -> str:
        """A day in the site's one date style (the same as ``long_day``): 12\u00a0Mar\u00a02027."""
        return missing if epoch is None else long_day_text(epoch, self.tz)

    def long_day(self, epoch: int | None, missing: str = "") -> str:
        return missing if epoch is None else long_day_text(epoch, self.tz)


def page_environment(
    report: Report, config: Config, names: Mapping[str, str], times: LocalTimes
) -> Environment:
    """The environment every page template renders in; ``names`` are the projects' names."""
    env = Environment(
        loader=PackageLoader("kpictl.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Every value a page shows: a bidi override would reorder the text around it.
        finalize=_bidi_shown,
    )
    env.filters.update(
        md=lambda text: Markup(md_escape(str(text))),
        title=_front_matter_title,
        when=times.when,
        day=times.day,
        long_day=times.long_day,
        num=_number,
        amount=phrases.amount,
        short=phrases.short_amount,
        money=lambda v: phrases.money(v, report.currency),
        money_in=phrases.money,
        whole=phrases.whole,
        status_word=lambda s: phrases.STATUS_WORDS.get(s, s.replace("_", " ")),
        mark=lambda s: phrases.STATUS_MARKS.get(s, "?"),
        team=config.team_name,
        plural=phrases.plural,
        prose=_prose,
        sentence=lambda text: str(text)[:1].upper() + str(text)[1:],
    )
    env.globals.update(
        value_words=value_words,
        took=took,
        cost_unknown=lambda r: phrases.cost_unknown(
            r.costs_left_out, r.cost_converted, report.currency
        ),
        left_out=lambda lo: phrases.left_out(
            [names.get(i, i) for i in lo.projects], lo.currencies, report.currency
        ),
    )
    return env


def _prose(text: Any) -> Markup:
    """An engine's sentence (a KPI's note) in HTML: escaped, with `code` as code, not
    backticks."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(str(text), quote=False))))


def _front_matter_title(text: Any) -> Markup:
    """A page title for YAML front matter: HTML-escaped (Material prints it raw into <title>),
    double-quoted for YAML, non-ASCII kept as it is."""
    safe = escape(" ".join(bidi_visible(str(text)).split()))
    return Markup('"' + safe.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _bidi_shown(value: Any) -> Any:
    """A value as a page shows it, with bidi characters as their escape (``\\u202e``): the
    same in a Markup value (an escape is plain text) and in text Jinja2 escapes next."""
    if isinstance(value, Markup):
        return Markup(bidi_visible(str(value)))
    if isinstance(value, str):
        return bidi_visible(value)
    return value


def _number(value: float | None, unit: str = "days") -> str:
    """A value in a table column whose header names the unit: 22.4, 21 (whole days without a
    decimal), $51k (money in the site's one money style), 37%."""
    if value is None:
        return "—"
    if unit == "days":
        return phrases.days(value).rsplit(" ", 1)[0]
    if unit == "ratio":
        return phrases.percent(value)
    return phrases.money(value, unit)


def took(started: int | None, done: int | None) -> str:
    """How long a step took, in days: 12.5 days; nothing while either end is unknown."""
    if started is None or done is None:
        return ""
    return phrases.days((done - started) / DAY)


def value_words(v: KpiValue) -> str:
    """What stands in a value's place when it has none: not started, skipped, unknown."""
    return phrases.MISSING.get(v.status, v.status.replace("_", " "))
