"""THE data contract (CONTRACT.md v1): one pydantic model per entity.

Each field is one column: its Python type gives its kind, `Field(...)` its bounds and
default, a required field has no default. `key` is the upsert key, `row_rules` the checks
that compare two columns of a row. The DDL and the vectorized row checks are derived from
these declarations (see `etl.ddl` and `etl.validate`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from etl.contracts.columns import CURRENCY, ID, MONTH
from etl.identifiers import id_flaw


class Stage(StrEnum):
    """The maturity stages, in order."""

    EXPERIMENTATION = "Experimentation"
    OPERATIONALIZATION = "Operationalization"
    STANDARDIZATION = "Standardization"
    ENTERPRISE_TRANSFORMATION = "Enterprise Transformation"


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    RETIRED = "retired"


class RiskTier(StrEnum):
    MINIMAL = "minimal"
    LIMITED = "limited"
    HIGH = "high"
    UNACCEPTABLE = "unacceptable"


class CostCategory(StrEnum):
    COMPUTE = "compute"
    LICENSING = "licensing"
    PEOPLE = "people"
    DATA = "data"
    INTEGRATION = "integration"
    GOVERNANCE = "governance"
    OTHER = "other"


class Dimension(StrEnum):
    """The readiness dimensions that a stage gate checks."""

    DATA = "data"
    OWNERSHIP = "ownership"
    BUSINESS_CASE = "business_case"
    GOVERNANCE = "governance"
    CHANGE = "change"
    MLOPS = "mlops"


STAGE_ORDER: tuple[str, ...] = tuple(stage.value for stage in Stage)


@dataclass(frozen=True)
class RowRule:
    """`column op other` must hold when both are present (e.g. planned_end >= planned_start)."""

    column: str
    op: str
    other: str

    def holds(self, left: object, right: object) -> bool:
        if left is None or right is None:
            return True
        ops = {">=": left >= right, ">": left > right}  # type: ignore[operator]
        return bool(ops[self.op])


def _valid_id(value: str) -> str:
    flaw = id_flaw(value)
    if flaw:
        raise ValueError(f"the id {value!r} {flaw}")
    return value


Id = Annotated[str, ID, AfterValidator(_valid_id)]
"""An id column: text without lookalike characters (see `etl.identifiers`)."""
Month = Annotated[dt.date, MONTH]
Currency = Annotated[str | None, CURRENCY]
Money = Decimal


class Entity(BaseModel):
    """Base of every contract model: the class variables name the entity and its key."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    entity: ClassVar[str]
    key: ClassVar[tuple[str, ...]]
    refers_to_initiative: ClassVar[bool] = True
    row_rules: ClassVar[tuple[RowRule, ...]] = ()

    @model_validator(mode="after")
    def _row_rules_hold(self) -> Entity:
        for rule in self.row_rules:
            if not rule.holds(getattr(self, rule.column), getattr(self, rule.other)):
                raise ValueError(f"{rule.column} must be {rule.op} {rule.other}")
        return self


class Initiative(Entity):
    entity: ClassVar[str] = "initiatives"
    key: ClassVar[tuple[str, ...]] = ("initiative_id",)
    refers_to_initiative: ClassVar[bool] = False

    initiative_id: Id
    name: str
    business_unit: str
    stage: Stage
    stage_entered_on: dt.date
    executive_sponsor: str | None = None
    program_owner: str | None = None
    strategic_impact: Annotated[int, Field(ge=1, le=5)] = 3
    target_users: Annotated[int | None, Field(ge=0)] = None
    status: Status = Status.ACTIVE
    started_on: dt.date | None = None
    risk_tier: RiskTier | None = None
    description: str | None = None


class StageHistory(Entity):
    entity: ClassVar[str] = "stage_history"
    key: ClassVar[tuple[str, ...]] = ("initiative_id", "entered_on")

    initiative_id: Id
    stage: Stage
    entered_on: dt.date


class Roadmap(Entity):
    entity: ClassVar[str] = "roadmap"
    key: ClassVar[tuple[str, ...]] = ("initiative_id", "stage")
    row_rules: ClassVar[tuple[RowRule, ...]] = (RowRule("planned_end", ">=", "planned_start"),)

    initiative_id: Id
    stage: Stage
    planned_start: dt.date
    planned_end: dt.date


class Adoption(Entity):
    entity: ClassVar[str] = "adoption"
    key: ClassVar[tuple[str, ...]] = ("initiative_id", "month")
    row_rules: ClassVar[tuple[RowRule, ...]] = (RowRule("eligible_users", ">=", "active_users"),)

    initiative_id: Id
    month: Month
    active_users: Annotated[int, Field(ge=0)]
    eligible_users: Annotated[int, Field(ge=0)]


class Cost(Entity):
    entity: ClassVar[str] = "costs"
    key: ClassVar[tuple[str, ...]] = ("initiative_id", "month", "category", "source")

    initiative_id: Id
    month: Month
    category: CostCategory
    amount: Annotated[Money, Field(ge=0)]
    currency: Currency = None
    source: str = "manual"


class Outcome(Entity):
    entity: ClassVar[str] = "outcomes"
    key: ClassVar[tuple[str, ...]] = ("initiative_id", "month", "kind")

    initiative_id: Id
    month: Month
    value: Money
    insights: Annotated[int, Field(ge=0)]
    kind: str = "total"
    currency: Currency = None


class ModelMetric(Entity):
    entity: ClassVar[str] = "model_metrics"
    key: ClassVar[tuple[str, ...]] = ("initiative_id", "model", "metric", "measured_on")

    initiative_id: Id
    model: str
    metric: str
    measured_on: dt.date
    value: float
    baseline: float | None = None
    higher_is_better: bool = True


class Readiness(Entity):
    entity: ClassVar[str] = "readiness"
    key: ClassVar[tuple[str, ...]] = ("initiative_id", "dimension", "assessed_on")

    initiative_id: Id
    dimension: Dimension
    score: Annotated[float, Field(ge=0, le=5)]
    assessed_on: dt.date


class FxRate(Entity):
    entity: ClassVar[str] = "fx_rates"
    key: ClassVar[tuple[str, ...]] = ("month", "currency")
    refers_to_initiative: ClassVar[bool] = False

    month: Month
    currency: Annotated[str, CURRENCY]
    rate_to_reporting: Annotated[float, Field(gt=0)]


class UsageEvent(Entity):
    entity: ClassVar[str] = "usage_events"
    key: ClassVar[tuple[str, ...]] = ()  # append-only

    initiative_id: Id
    user_id: Id
    event_time: dt.datetime
    action: str | None = None


ENTITIES: dict[str, type[Entity]] = {
    model.entity: model
    for model in (
        Initiative,
        FxRate,
        StageHistory,
        Roadmap,
        Adoption,
        Cost,
        Outcome,
        ModelMetric,
        Readiness,
        UsageEvent,
    )
}
"""Every entity, in load order: initiatives first, then fx_rates, then the rest."""
