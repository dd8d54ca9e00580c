"""Roles and the one policy every write asks: `require(actor, permission, owner)`.

The policy is checked inside each write of `dashboard.edits`, with the initiative's owner
read on the server, so a forged request meets the same refusal as a hidden button.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    EXECUTIVE = "executive"
    PROGRAM_OWNER = "program_owner"
    DATA_TEAM = "data_team"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.EXECUTIVE: "Executive (reads everything)",
    Role.PROGRAM_OWNER: "Program owner (decides on the initiatives they own)",
    Role.DATA_TEAM: "Data team (reads everything, the data page in detail)",
    Role.ADMIN: "Admin (everything, users and settings)",
}


class Permission(StrEnum):
    EDIT_INITIATIVE = "edit_initiative"  # decisions, targets and annotations of one initiative
    EDIT_PORTFOLIO = "edit_portfolio"  # the portfolio's targets and settings
    MANAGE_USERS = "manage_users"
    SEE_DATA_DETAILS = "see_data_details"  # reject values on the data page
    SAVE_SCENARIO = "save_scenario"  # funding scenarios of the roadmap


class Denied(Exception):
    """A write the signed-in user may not make; the message says why."""


def owner_key(name: str | None) -> str:
    """An owner's name as names are matched: trimmed and case-folded."""
    return (name or "").strip().casefold()


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the server knows them (never as a request says)."""

    name: str
    role: Role | None
    owner_name: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    def may(self, permission: Permission, owner: str | None = None) -> bool:
        """Whether this actor may do `permission` (on an initiative whose program owner is
        `owner`)."""
        if self.role is Role.ADMIN:
            return True
        if permission is Permission.EDIT_INITIATIVE:
            mine = owner_key(self.owner_name or self.name)
            return self.role is Role.PROGRAM_OWNER and bool(mine) and mine == owner_key(owner)
        if permission is Permission.SEE_DATA_DETAILS:
            return self.role is Role.DATA_TEAM
        if permission is Permission.SAVE_SCENARIO:
            return self.role is Role.PROGRAM_OWNER
        return False

    def require(self, permission: Permission, owner: str | None = None) -> None:
        if not self.may(permission, owner):
            raise Denied(refusal(self, permission, owner))


ANONYMOUS = Actor(name="anonymous", role=None)
"""Who reads when sign-in is off: every page, no write."""


def sees_data_details(actor: Actor, sign_in: bool) -> bool:
    """Whether the data page shows `actor` the rejected values themselves (a raw user id of
    an event, a mistyped name): the data team and admins; with sign-in off, whoever reads on
    the loopback address. Everyone else sees each reject's row, column and reason."""
    return actor.may(Permission.SEE_DATA_DETAILS) or (not sign_in and not actor.signed_in)


def refusal(actor: Actor, permission: Permission, owner: str | None) -> str:
    if not actor.signed_in:
        return "sign in to make changes"
    if permission is Permission.EDIT_INITIATIVE and actor.role is Role.PROGRAM_OWNER:
        whose = f"{owner.strip()}'s" if owner and owner.strip() else "an unowned"
        return f"{actor.name} may change only the initiatives they own; this is {whose}"
    needed = {
        Permission.EDIT_INITIATIVE: "its program owner",
        Permission.SAVE_SCENARIO: "a program owner or an admin",
    }.get(permission, "an admin")
    return f"the role {actor.role} may not do this; it takes {needed}"
