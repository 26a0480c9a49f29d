"""A cancel whose answer is lost and whose resend meets a 429 is looked up, not told as undone."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import call_action, meeting, room_target


async def test_cancel_whose_resend_is_rate_limited_is_not_reported_as_not_done(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.reset_requests()
    simulator.faults.drop_next(path=f"/events/{review.id}", method="DELETE")
    simulator.faults.rate_limit_next(30)
    error: HomeAssistantError | None = None
    try:
        await call_action(hass, "cancel_booking", {}, room_target(hass, simulator, "Fleet Room"))
    except HomeAssistantError as err:
        error = err
    # Robin cancelled it (the first DELETE committed)...
    assert simulator.events.get(review.id) is None
    # ...so the user must not be told to try again later as if nothing happened.
    assert error is None or error.translation_key not in {
        "rate_limited_action",
        "rate_limited_action_for",
    }, (error.translation_key, str(error))
