"""Who sees what the data page withholds from the other roles."""

from __future__ import annotations

import pytest

from dashboard.auth.policy import ANONYMOUS, Actor, Role, sees_data_details


@pytest.mark.parametrize("role", list(Role))
def test_rejected_values_are_for_the_data_team_and_admins(role: Role) -> None:
    expected = role in (Role.DATA_TEAM, Role.ADMIN)
    assert sees_data_details(Actor("someone", role), sign_in=True) is expected
    assert sees_data_details(Actor("someone", role), sign_in=False) is expected


def test_with_sign_in_off_the_loopback_reader_sees_them() -> None:
    assert sees_data_details(ANONYMOUS, sign_in=False)
    assert not sees_data_details(ANONYMOUS, sign_in=True)
