"""Reading Dash component trees in tests: find by id, collect text and links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dash.development.base_component import Component


def walk(node: Any) -> Iterator[Component]:
    """Every component in `node` (a component, a list of them, or text), depth first."""
    if isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from walk(item)


def find(node: Any, component_id: str) -> Component:
    for component in walk(node):
        if getattr(component, "id", None) == component_id:
            return component
    raise KeyError(component_id)


def ids(node: Any) -> set[str]:
    return {c.id for c in walk(node) if isinstance(getattr(c, "id", None), str)}


def text(node: Any) -> str:
    """The text a browser would show (children strings, in order)."""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, Component):
        return text(getattr(node, "children", None))
    if isinstance(node, list | tuple):
        return "".join(text(item) for item in node)
    return ""


def hrefs(node: Any) -> list[str]:
    return [c.href for c in walk(node) if getattr(c, "href", None)]
