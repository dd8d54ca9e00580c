"""The one rule for ids (initiative_id, user_id): plain text that cannot look like another id.

An id is rejected when it is not in Unicode NFKC form (fullwidth letters such as U+FF28, a
no-break space) or holds a character of the categories Cc, Cf, Zl, Zp (control and invisible
format characters such as U+200B ZERO WIDTH SPACE), Zs other than U+0020 SPACE, or Pd other
than U+002D HYPHEN-MINUS (U+2010 HYPHEN, U+2013 EN DASH): each would load as a new id that
displays like an existing one and split its figures.

The check is vectorized: one regular expression over every code point that breaks the rule
on its own, plus DuckDB's `nfc_normalize` for sequences that compose (`e` + U+0301). Python
runs only on the values it flags: `id_flaw` names the first offending character for the
reject reason, `normalise_id` is what adapters apply to the ids they derive from a source.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import duckdb

FLAW_FUNCTION = "scaleboard_id_flaw"
NORMALISE_FUNCTION = "scaleboard_normalise_id"

_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_PLANES = (range(0x0000, 0x30000), range(0xE0000, 0xE1000))
"""Where every character that breaks the rule on its own lives (planes 0-2: the compatibility
characters, spaces and dashes; plane 14: the tag characters, Cf). A test checks the rest."""


def breaks_rule(char: str) -> bool:
    """Whether one character on its own makes an id invalid."""
    category = unicodedata.category(char)
    if category in _BAD_CATEGORIES:
        return True
    if category == "Zs":
        return char != " "
    if category == "Pd":
        return char != "-"
    return unicodedata.normalize("NFKC", char) != char


def _escape(code: int) -> str:
    return f"\\x{{{code:x}}}"


@lru_cache(maxsize=1)
def forbidden_pattern() -> str:
    """A regular expression (RE2) matching any character that breaks the rule on its own."""
    ranges: list[tuple[int, int]] = []
    for plane in _PLANES:
        for code in plane:
            if 0xD800 <= code <= 0xDFFF or not breaks_rule(chr(code)):
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = (_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in ranges)
    return "[" + "".join(parts) + "]"


def flaw_sql(raw: str) -> str:
    """SQL that is true when the text `raw` breaks the rule. Printable ASCII never does, and
    an anchored match of it is the cheapest test (a fifth cheaper than the full pattern); the
    NFC test runs only on the rest."""
    pattern = forbidden_pattern().replace("'", "''")
    return (
        f"(case when regexp_full_match({raw}, '[ -~]*') then false "
        f"else regexp_matches({raw}, '{pattern}') or nfc_normalize({raw}) <> {raw} end)"
    )


def describe(char: str) -> str:
    """`U+200B ZERO WIDTH SPACE`; control characters have no name: `U+0009 (a control
    character)`."""
    return f"U+{ord(char):04X} {unicodedata.name(char, '(a control character)')}"


def id_flaw(value: str) -> str | None:
    """What makes `value` an invalid id, naming its first offending character; None: valid."""
    for char in value:
        if breaks_rule(char):
            category = unicodedata.category(char)
            if category[0] in "CZ" or category == "Pd":
                return f"contains {describe(char)}"
            shown = unicodedata.normalize("NFKC", char)
            return f"contains {describe(char)}, which is not in NFKC form (NFKC: {shown!r})"
    if unicodedata.normalize("NFKC", value) != value:
        return "is not in NFKC form (a character followed by a combining mark that composes)"
    return None


_SPACES = re.compile(r"\s+")


def normalise_id(value: str) -> str:
    """An id made valid: NFKC, every dash as `-`, control and format characters dropped,
    every run of spaces (any kind) as one U+0020, trimmed."""
    text = unicodedata.normalize("NFKC", value)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Pd":
            kept.append("-")
        elif category in ("Zs", "Zl", "Zp") or char.isspace():
            kept.append(" ")
        elif category not in _BAD_CATEGORIES:
            kept.append(char)
    return unicodedata.normalize("NFKC", _SPACES.sub(" ", "".join(kept)).strip())


def normalise_sql(raw: str) -> str:
    """SQL of `normalise_id(raw)`, calling Python only for the values that break the rule."""
    return f"case when {flaw_sql(raw)} then {NORMALISE_FUNCTION}({raw}) else {raw} end"


def register_id_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Makes `scaleboard_id_flaw` and `scaleboard_normalise_id` callable in `con`'s SQL."""
    for name, function in ((FLAW_FUNCTION, id_flaw), (NORMALISE_FUNCTION, normalise_id)):
        con.create_function(
            name,
            function,
            [duckdb.sqltype("VARCHAR")],
            duckdb.sqltype("VARCHAR"),
            side_effects=False,
        )
