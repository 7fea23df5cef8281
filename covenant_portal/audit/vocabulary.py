"""The audit trail in words. Each area says, in its `Area(audit_vocabulary=…)`, what its actions
mean ("user.logged_in" is "Signed in") and how to name its records ("Named contact: Jo Bloggs,
Bury"); the audit kernel only puts the words together, so it knows no area. Stored events keep
their codes: the words are worked out when the trail is shown."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from covenant_portal.audit.models import AuditEvent

# (session, the ids of one type of record on the page) -> {id: words}
Describer = Callable[[Session, list[str]], dict[str, str]]


@dataclass(frozen=True)
class AuditVocabulary:
    actions: Mapping[str, str] = field(default_factory=dict)
    objects: Mapping[str, Describer] = field(default_factory=dict)

    def merged(self, other: "AuditVocabulary") -> "AuditVocabulary":
        clash = (self.actions.keys() & other.actions.keys()) | (self.objects.keys() & other.objects.keys())
        if clash:
            raise ValueError(f"more than one area names {', '.join(sorted(clash))} in the audit trail")
        return AuditVocabulary({**self.actions, **other.actions}, {**self.objects, **other.objects})


def describe_records(model: Any, words: Callable[[Any], str], options: Callable[[], tuple] = tuple) -> Describer:
    """A describer that loads a page's records of `model` in one query and names each with `words`.
    `options` makes the query's loader options (the relationships `words` reads), when it runs: the
    models are not all mapped yet when the areas are imported."""

    def describe(session: Session, ids: list[str]) -> dict[str, str]:
        numbers = [int(each) for each in ids if each.isdigit()]
        query = select(model).where(model.id.in_(numbers)).options(*options())
        rows: Iterable[Any] = session.scalars(query) if numbers else []
        return {str(row.id): words(row) for row in rows}

    return describe


@dataclass(frozen=True)
class DescribedEvent:
    event: AuditEvent
    action: str  # in words
    record: str  # in words


def action_in_words(vocabulary: AuditVocabulary, action: str) -> str:
    return vocabulary.actions.get(action) or action.replace("_", " ").replace(".", ": ", 1).capitalize()


def described_events(
    session: Session, events: Iterable[AuditEvent], vocabulary: AuditVocabulary
) -> list[DescribedEvent]:
    """Each event with its action and record in words: one query per type of record on the page."""
    events = list(events)
    ids_by_type: dict[str, list[str]] = defaultdict(list)
    for event in events:
        ids_by_type[event.object_type].append(event.object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, ids in ids_by_type.items():
        describer = vocabulary.objects.get(object_type)
        if describer is not None:
            for object_id, words in describer(session, sorted(set(ids))).items():
                names[(object_type, object_id)] = words
    return [
        DescribedEvent(
            event,
            action_in_words(vocabulary, event.action),
            _record_in_words(names, vocabulary, event),
        )
        for event in events
    ]


def _record_in_words(names: dict, vocabulary: AuditVocabulary, event: AuditEvent) -> str:
    named = names.get((event.object_type, event.object_id))
    if named:
        return named
    if event.object_type in vocabulary.objects:  # a record the area names, since deleted
        return f"{event.object_type} {event.object_id} (no longer there)"
    return f"{event.object_type} {event.object_id}"
