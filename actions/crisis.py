"""Actions of the crisis path that need data: the screener, the safety plan.

The first crisis reply never comes from here (it is a domain response chosen
by rules), so these actions only add to it when the action server is up.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select

from bot.safety.cssrs import QUESTIONS, questions_to_ask, screener_level
from bot.safety.plan import render_safety_plan
from bot.store import Patient, get_database

logger = logging.getLogger(__name__)

SLOT_PREFIX = "cssrs_"


def _answers(tracker: Tracker) -> dict[str, bool | None]:
    return {
        question: tracker.get_slot(SLOT_PREFIX + question) for question in QUESTIONS
    }


class ValidateCssrsForm(FormValidationAction):
    """Applies the screener's skip rule to the questions asked."""

    def name(self) -> str:
        return "validate_cssrs_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [
            SLOT_PREFIX + question for question in questions_to_ask(_answers(tracker))
        ]


class ActionSettleRiskLevel(Action):
    """Settles the risk level from the screener and says what happens next."""

    def name(self) -> str:
        return "action_settle_risk_level"

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        level = screener_level(_answers(tracker))
        if level is not None and level.label in ("high", "imminent"):
            dispatcher.utter_message(response="utter_crisis_high")
            return [
                SlotSet("risk_level_final", level.label)
            ] + ActionShowSafetyPlan().events_for(dispatcher, tracker)
        dispatcher.utter_message(
            text="Thank you for answering. That helps. Someone from your care team will "
            'reach out to you today. Until then, the numbers under "Get help now" are '
            "there day and night."
        )
        return [SlotSet("risk_level_final", level.label if level is not None else None)]


class ActionShowSafetyPlan(Action):
    """Shows the patient's own safety plan, when the clinic stored one."""

    def name(self) -> str:
        return "action_show_safety_plan"

    def events_for(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        try:
            with get_database().session() as session:
                patient = session.scalars(
                    select(Patient).where(Patient.conversation_id == tracker.sender_id)
                ).first()
                message = render_safety_plan(patient.safety_plan if patient else None)
        except Exception:  # noqa: BLE001 - the crisis reply has already been shown
            logger.exception("could not read the safety plan")
            return []
        if message:
            dispatcher.utter_message(text=message)
        return []

    def run(self, dispatcher, tracker, domain) -> list[EventType]:  # noqa: ANN001
        return self.events_for(dispatcher, tracker)
