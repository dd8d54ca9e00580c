"""The input data contract as code."""

from etl.contracts.columns import Column, Kind, columns_of
from etl.contracts.entities import ENTITIES, STAGE_ORDER, Entity, Stage, Status

__all__ = ["ENTITIES", "STAGE_ORDER", "Column", "Entity", "Kind", "Stage", "Status", "columns_of"]
