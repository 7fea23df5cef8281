"""Forms for a return's draft: starting it, one pledge, the occupancy of every open home, the named
contacts. Numbers are typed as text, so a mistake is shown back exactly as typed; the rules
themselves are in drafts/rules.py and returns/occupancy.py."""

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from covenant_portal.returns.drafts.service import (
    LONGEST_NARRATIVE,
    OccupancyInput,
    PledgeInput,
    Seen,
)
from covenant_portal.returns.models import PLEDGE_STATUS_LABELS
from covenant_portal.returns.occupancy import count_fault
from covenant_portal.web.forms import PortalForm, strip, whole_number
from covenant_portal.web.ids import parse_id
from covenant_portal.web.widgets import CheckboxInput, RadioInput

NO_CHILD_DETAILS = (
    "Do not include anything that could identify a child, such as a name, date of birth, "
    "NHS number or unique pupil number (UPN)."
)


class DraftPageForm(PortalForm):
    """The draft as the page showed it travels with the form, so a colleague's save is noticed."""

    draft_lock = HiddenField()
    section_seen = HiddenField()
    # The GOV.UK secondary way out: save, then back to the task list rather than on to the next section.
    save_and_return = SubmitField("Save and return to the task list", widget=GovSubmitInput())

    def show(self, shown: Seen) -> None:
        self.draft_lock.data = str(shown.lock)
        self.section_seen.data = shown.section

    def shown(self) -> Seen:
        lock = parse_id(str(self.draft_lock.data or ""))
        return Seen(-1 if lock is None else lock, str(self.section_seen.data or ""))


class StartForm(PortalForm):
    """A start button: fresh, or from last quarter's answers (the value of `start_from`)."""

    start_from = HiddenField()

    def from_last_quarter(self) -> bool:
        return self.start_from.data == "last_quarter"


class PledgeForm(DraftPageForm):
    status = RadioField(
        "Did you keep this pledge during the quarter?",
        widget=RadioInput(),
        choices=[SelectChoice(status.value, label) for status, label in PLEDGE_STATUS_LABELS.items()],
        validate_choice=False,  # the rules (drafts.pledge_problems) say what is missing, next to the field
    )
    narrative = TextAreaField(
        "How did you keep it?",
        widget=GovTextArea(),
        description=(
            "Required unless the pledge was met: say what you did, or why you could not keep it. "
            f"Up to {LONGEST_NARRATIVE:,} characters. {NO_CHILD_DETAILS}"
        ),
        filters=[strip],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def answer(self) -> PledgeInput:
        return PledgeInput(status=self.status.data or "", narrative=self.narrative.data or "")


class ContactsForm(DraftPageForm):
    confirmed = BooleanField("These are our named contacts for vacancies and referrals", widget=CheckboxInput())
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


# Occupancy: a form made for the organisation's homes and the GM local authorities


class Count:
    """One figure of a home, typed as text: blank is 0 unless the figure is required; otherwise the
    occupancy rule (returns/occupancy.py) says what is wrong with it, in its words."""

    def __init__(self, what: str, required: bool):
        self.what, self.required = what, required

    def __call__(self, form, field):
        typed = field.data or ""
        if not typed:
            if self.required:
                raise StopValidation(f"Enter the number of {self.what[0].lower()}{self.what[1:]}")
            return
        number = whole_number(typed)
        fault = count_fault(number if number is not None else typed)
        if fault is not None:
            raise StopValidation(f"{self.what} {fault}")


def field_name(home_id: int, part: str | tuple) -> str:
    """The form field of a home's count: part is a key of drafts.OCCUPANCY_COUNTS or ("placed_by", code)."""
    if isinstance(part, tuple):
        return f"home_{home_id}_placed_{part[1]}"
    return f"home_{home_id}_{part}"


def occupancy_form(homes, authorities, **kwargs) -> "DraftPageForm":
    """A form with, for each home, registered places, vacant places, children placed by each GM LA
    and by LAs outside GM. Errors name the home, as the error summary lists every home's."""

    class OccupancyForm(DraftPageForm):
        submit = SubmitField("Save and continue", widget=GovSubmitInput())

        def homes_without_errors(self) -> list:
            """The homes none of whose figures has an error of its own: their sums can be checked
            while other homes' figures are being put right, so every error shows at once."""
            return [home for home in homes if not any(name.startswith(f"home_{home.id}_") for name in self.errors)]

        def answers(self, of_homes=None) -> dict[int, OccupancyInput]:
            def count(home_id, part) -> int:
                typed = self[field_name(home_id, part)].data or "0"
                return int(typed)

            return {
                home.id: OccupancyInput(
                    placed_by={
                        authority.ons_code: count(home.id, ("placed_by", authority.ons_code))
                        for authority in authorities
                    },
                    placed_outside_gm=count(home.id, "placed_outside_gm"),
                    vacant_places=count(home.id, "vacant_places"),
                    registered_places=count(home.id, "registered_places"),
                )
                for home in (homes if of_homes is None else of_homes)
            }

    for home in homes:
        _add(OccupancyForm, home, "registered_places", "Registered places", f"Registered places at {home.name}", True)
        _add(OccupancyForm, home, "vacant_places", "Vacant places", f"Vacant places at {home.name}", True)
        for authority in authorities:
            _add(
                OccupancyForm,
                home,
                ("placed_by", authority.ons_code),
                authority.name,
                f"Children placed by {authority.name} at {home.name}",
                False,
            )
        _add(
            OccupancyForm,
            home,
            "placed_outside_gm",
            "Children placed by local authorities outside Greater Manchester",
            f"Children placed by local authorities outside Greater Manchester at {home.name}",
            False,
        )
    return OccupancyForm(**kwargs)


def _add(form_class, home, part, label: str, what: str, required: bool) -> None:
    setattr(
        form_class,
        field_name(home.id, part),
        StringField(
            label,
            widget=GovTextInput(),
            filters=[strip],
            validators=[Count(what, required)],
        ),
    )


def occupancy_data(homes, draft_answers: dict) -> dict[str, str]:
    """The form's fields filled in from the draft (registered places from the home if not saved)."""
    data = {}
    for home in homes:
        answer = draft_answers.get(str(home.id))
        if answer is None:
            data[field_name(home.id, "registered_places")] = str(home.registered_places)
            continue
        for part in ("registered_places", "vacant_places", "placed_outside_gm"):
            data[field_name(home.id, part)] = str(answer.get(part, ""))
        for code, children in (answer.get("placed_by") or {}).items():
            data[field_name(home.id, ("placed_by", code))] = str(children) if children else ""
    return data
