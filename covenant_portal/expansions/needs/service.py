"""LAs' needs statements: what services each GM LA says are in explicit need of development.
Published and edited by the LA's contacts (of their own LA) and admins (of any LA); read by every
signed-in user, combined across the ten LAs."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from covenant_portal import audit
from covenant_portal.access import Role
from covenant_portal.accounts.models import LocalAuthority, User
from covenant_portal.audit.service import Actor
from covenant_portal.expansions.common import ExpansionError, Invalid
from covenant_portal.expansions.models import NeedCategory, NeedPriority, NeedsStatement
from covenant_portal.filters import london_day
from covenant_portal.web.forms import whole_number
from covenant_portal.web.identifiers import identifying_data_problem

LONGEST_NOTES = 2000


@dataclass(frozen=True)
class NeedInput:
    local_authority_id: int | None
    category: str
    age_from: str
    age_to: str
    places_wanted: str
    priority: str
    area: str
    notes: str
    review_on: date | None


def may_edit(user: User, local_authority_id: int) -> bool:
    return user.role == Role.ADMIN or (user.role == Role.LA_CONTACT and user.local_authority_id == local_authority_id)


def problems(typed: NeedInput, now: datetime) -> dict[str, str]:
    """Messages by field for a need as typed; its review date cannot be before today (London)."""
    found: dict[str, str] = {}
    if typed.category not in set(NeedCategory):
        found["category"] = "Choose the category of service"
    ages = {}
    for name, label in (("age_from", "Youngest age"), ("age_to", "Oldest age")):
        number = whole_number(getattr(typed, name))
        if number is None or not 0 <= number <= 25:
            found[name] = f"{label} must be a whole number from 0 to 25"
        ages[name] = number
    low, high = ages["age_from"], ages["age_to"]
    if low is not None and high is not None and "age_from" not in found and "age_to" not in found and low > high:
        found["age_to"] = "Oldest age must be the same as or older than the youngest age"
    places = whole_number(typed.places_wanted)
    if places is None or not 1 <= places <= 500:
        found["places_wanted"] = "Places wanted must be a whole number from 1 to 500"
    if typed.priority not in set(NeedPriority):
        found["priority"] = "Choose the priority"
    if len(typed.area) > 200:
        found["area"] = "Ward or district must be 200 characters or fewer"
    elif problem := identifying_data_problem(typed.area):
        found["area"] = problem
    if len(typed.notes) > LONGEST_NOTES:
        found["notes"] = f"Notes must be {LONGEST_NOTES} characters or fewer"
    elif problem := identifying_data_problem(typed.notes):
        found["notes"] = problem
    if typed.review_on is None:
        found["review_on"] = "Enter the review date"
    elif typed.review_on < london_day(now):
        found["review_on"] = "The review date must be today or in the future"
    return found


def _apply(need: NeedsStatement, typed: NeedInput, user: User, now: datetime) -> None:
    need.category = NeedCategory(typed.category)
    need.age_from = int(typed.age_from)
    need.age_to = int(typed.age_to)
    need.places_wanted = int(typed.places_wanted)
    need.priority = NeedPriority(typed.priority)
    need.area = typed.area.strip()
    need.notes = typed.notes.strip()
    need.review_on = typed.review_on  # type: ignore[assignment]
    need.updated_at = now
    need.updated_by_id = user.id


def publish(session: Session, user: User, typed: NeedInput, actor: Actor, now: datetime) -> NeedsStatement:
    authority_id = typed.local_authority_id if user.role == Role.ADMIN else user.local_authority_id
    authority = session.get(LocalAuthority, authority_id) if authority_id else None
    if authority is None or not authority.is_greater_manchester:
        raise Invalid({"local_authority": "Choose the local authority"})
    if not may_edit(user, authority.id):
        raise ExpansionError("Only the local authority’s contacts and admins can publish its needs.")
    if found := problems(typed, now):
        raise Invalid(found)
    need = NeedsStatement(local_authority_id=authority.id, created_at=now)
    _apply(need, typed, user, now)
    session.add(need)
    session.flush()
    audit.record(session, actor, "expansion_need.published", need, now)
    session.commit()
    return need


def change(session: Session, user: User, need: NeedsStatement, typed: NeedInput, actor: Actor, now) -> None:
    if not may_edit(user, need.local_authority_id):
        raise ExpansionError("Only the local authority’s contacts and admins can change its needs.")
    if found := problems(typed, now):
        raise Invalid(found)
    _apply(need, typed, user, now)
    audit.record(session, actor, "expansion_need.changed", need, now)
    session.commit()


def withdraw(session: Session, user: User, need: NeedsStatement, actor: Actor, now: datetime) -> None:
    if not may_edit(user, need.local_authority_id):
        raise ExpansionError("Only the local authority’s contacts and admins can withdraw its needs.")
    need.withdrawn_at = now
    audit.record(session, actor, "expansion_need.withdrawn", need, now)
    session.commit()


def current_need(session: Session, need_id: int) -> NeedsStatement | None:
    return session.scalar(
        select(NeedsStatement).where(NeedsStatement.id == need_id, NeedsStatement.withdrawn_at.is_(None))
    )


def past_review(session: Session, local_authority_id: int, today: date) -> list[NeedsStatement]:
    """The LA's current needs whose review date has gone by, the longest overdue first."""
    return list(
        session.scalars(
            select(NeedsStatement)
            .where(
                NeedsStatement.local_authority_id == local_authority_id,
                NeedsStatement.withdrawn_at.is_(None),
                NeedsStatement.review_on < today,
            )
            .order_by(NeedsStatement.review_on, NeedsStatement.id)
        )
    )


def combined(session: Session, local_authority: str = "", category: str = "") -> list[NeedsStatement]:
    """Every current need across the GM LAs (filtered by ONS code and category), by LA and priority."""
    query = (
        select(NeedsStatement)
        .join(NeedsStatement.local_authority)
        .options(joinedload(NeedsStatement.local_authority))
        .where(NeedsStatement.withdrawn_at.is_(None))
    )
    if local_authority:
        query = query.where(LocalAuthority.ons_code == local_authority)
    if category in set(NeedCategory):
        query = query.where(NeedsStatement.category == NeedCategory(category))
    order = {NeedPriority.HIGH: 0, NeedPriority.MEDIUM: 1, NeedPriority.LOW: 2}
    needs = list(session.scalars(query))
    return sorted(needs, key=lambda need: (need.local_authority.name, order[need.priority], need.id))


def csv_rows(needs: list[NeedsStatement], today: date) -> list[list]:
    return [
        [
            need.local_authority.name,
            need.category.label,
            f"{need.age_from} to {need.age_to}",
            need.places_wanted,
            need.priority.label,
            need.area,
            need.notes,
            need.review_on.isoformat(),
            "Review date passed" if need.review_passed(today) else "",
        ]
        for need in needs
    ]


CSV_HEADER = [
    "Local authority",
    "Category",
    "Ages",
    "Places wanted",
    "Priority",
    "Ward or district",
    "Notes",
    "Review date",
    "Review",
]
