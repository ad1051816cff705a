"""The catalog's types: milestones, gates and KPIs with their measures, as typed, frozen data.

The words the code and the configuration share (phases, statuses, directions, measure types)
are ``Literal`` types, and the tuples the schemas list are read from them, so a typo fails
mypy and the schemas cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, TypeVar, get_args

Phase = Literal["poc", "production", "scale"]
# A KPI's phase: the strategy's three, or value (what the portfolio gives back), kept apart so
# that the 15 KPIs of the strategy stay recognisable.
KpiPhase = Literal["poc", "production", "scale", "value"]
MilestoneStatus = Literal["planned", "in_progress", "done", "skipped"]
Direction = Literal["lower", "higher"]
# currency: an amount in the reporting currency; ratio: a fraction (0.25 is 25%)
Unit = Literal["days", "currency", "ratio"]
ItemList = Literal["updates", "feedback_rounds"]
MeasureType = Literal["duration", "items", "environments", "cost", "tco", "value"]
# What a value measure measures: benefits accrued to date, net of the costs accrued to date,
# the return on those costs, or the days from the start until value first covers cost.
ValueOf = Literal["to_date", "net", "roi", "payback"]

PHASES: tuple[Phase, ...] = get_args(Phase)
KPI_PHASES: tuple[KpiPhase, ...] = get_args(KpiPhase)
VALUE_MEASURES: tuple[ValueOf, ...] = get_args(ValueOf)
MILESTONE_STATUSES: tuple[MilestoneStatus, ...] = get_args(MilestoneStatus)
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
ITEM_LISTS: tuple[ItemList, ...] = get_args(ItemList)
MEASURE_TYPES: tuple[MeasureType, ...] = get_args(MeasureType)

Word = TypeVar("Word", bound=str)


def one_of(value: object, allowed: tuple[Word, ...], what: str) -> Word:
    """``value`` as one of the ``allowed`` words (a schema has already checked it)."""
    for word in allowed:
        if value == word:
            return word
    raise ValueError(f"{what} is {value!r}; expected one of {', '.join(allowed)}")


@dataclass(frozen=True)
class MilestoneDef:
    id: str
    title: str
    phase: Phase
    description: str


@dataclass(frozen=True)
class Roles:
    """The milestones that play the parts the code needs, so that no code names a catalog id."""

    start: str  # starts a project; undeclared, the project file's creation dates it
    go: str  # ends the proof of concept (done or skipped): the project is in production
    launch: str  # done: the project is launched, iterating and scaling


@dataclass(frozen=True)
class Gate:
    milestone: str
    status: MilestoneStatus
    requires: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class DurationMeasure:
    """Calendar days between two events: a milestone id (done) or ``<milestone>.started``."""

    type: ClassVar[MeasureType] = "duration"
    unit: ClassVar[Unit] = "days"
    from_event: str
    to_event: str

    @property
    def events(self) -> tuple[str, ...]:
        return (self.from_event, self.to_event)

    @property
    def definition(self) -> str:
        return f"{self.from_event} → {self.to_event}"


@dataclass(frozen=True)
class ItemsMeasure:
    """The median time from requested to done over a project's updates or feedback rounds."""

    type: ClassVar[MeasureType] = "items"
    unit: ClassVar[Unit] = "days"
    items: ItemList
    kind: str | None = None  # only the updates of this kind

    @property
    def events(self) -> tuple[str, ...]:
        return ()

    @property
    def definition(self) -> str:
        what = self.items + (f" of kind {self.kind}" if self.kind else "")
        done = "live" if self.items == "updates" else "addressed"
        return f"median over {what}: requested → {done}"


@dataclass(frozen=True)
class EnvironmentsMeasure:
    """The median time between consecutive environments, the first counted from an event."""

    type: ClassVar[MeasureType] = "environments"
    unit: ClassVar[Unit] = "days"
    from_event: str

    @property
    def events(self) -> tuple[str, ...]:
        return (self.from_event,)

    @property
    def definition(self) -> str:
        return f"median between consecutive environments, the first from {self.from_event}"


@dataclass(frozen=True)
class CostMeasure:
    """One-off costs plus recurring costs accrued between two events."""

    type: ClassVar[MeasureType] = "cost"
    unit: ClassVar[Unit] = "currency"
    from_event: str
    to_event: str

    @property
    def events(self) -> tuple[str, ...]:
        return (self.from_event, self.to_event)

    @property
    def definition(self) -> str:
        return f"costs accrued {self.from_event} → {self.to_event}"


@dataclass(frozen=True)
class TcoMeasure:
    """Every cost accrued until the as-of date, and projected to a horizon after the start."""

    type: ClassVar[MeasureType] = "tco"
    unit: ClassVar[Unit] = "currency"
    projection_years: float = 5.0

    @property
    def events(self) -> tuple[str, ...]:
        return ()

    @property
    def definition(self) -> str:
        return f"costs accrued until the as-of date; projected to {self.projection_years:g} years"


@dataclass(frozen=True)
class ValueMeasure:
    """What the benefits give back, as of the as-of date (see ``ValueOf``)."""

    type: ClassVar[MeasureType] = "value"
    of: ValueOf

    @property
    def unit(self) -> Unit:
        if self.of == "roi":
            return "ratio"
        return "days" if self.of == "payback" else "currency"

    @property
    def events(self) -> tuple[str, ...]:
        return ()

    @property
    def definition(self) -> str:
        return _VALUE_DEFINITIONS[self.of]


_VALUE_DEFINITIONS: dict[ValueOf, str] = {
    "to_date": "benefits accrued until the as-of date",
    "net": "benefits minus costs accrued until the as-of date",
    "roi": "(benefits − costs) / costs, accrued until the as-of date",
    "payback": "start → the moment accrued benefits first reach accrued costs",
}


Measure = (
    DurationMeasure | ItemsMeasure | EnvironmentsMeasure | CostMeasure | TcoMeasure | ValueMeasure
)


@dataclass(frozen=True)
class KpiDef:
    id: str
    title: str
    phase: KpiPhase
    description: str
    measure: Measure
    target: float | None
    direction: Direction  # which way is better
    learning_curve: bool = False  # fitted over the launched projects in the order they started
    headline: bool = False  # a column of the portfolio page's table by team

    @property
    def unit(self) -> Unit:
        """days, or currency for an amount in the reporting currency."""
        return self.measure.unit

    def unit_in(self, currency: str) -> str:
        """The unit values are shown in: days, ratio, or ``currency`` for an amount."""
        return currency if self.unit == "currency" else self.unit

    @property
    def definition(self) -> str:
        """The measure in words, as the catalog table shows it."""
        return self.measure.definition
