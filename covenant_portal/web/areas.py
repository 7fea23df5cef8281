"""How an area plugs into the portal. Each area describes what it brings in an `Area` (its
blueprints, the kinds of record it signs, its scheduled jobs, its start-up steps, its dashboard
panels, its commands),
and the app factory registers them when the app starts. The kernels then find these through the
app (`record_kinds()`, `scheduled_jobs()`, `dashboard_panels()`), so no kernel imports an area."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import click
from flask import Blueprint, Flask, current_app

from covenant_portal.access import OrganisationAdmins, Role
from covenant_portal.audit.vocabulary import AuditVocabulary
from covenant_portal.web.duties import BrokenDutyFinder, LaPledgeFigures
from covenant_portal.jobs.registry import Job
from covenant_portal.signing.records import RecordKind


@dataclass(frozen=True)
class DashboardPanel:
    """A part of a role's dashboard: a template included in it, in `order` (lowest first)."""

    template: str
    roles: frozenset[Role]
    order: int = 100


@dataclass(frozen=True)
class DashboardAction:
    """Something a person is asked to do next, led with on their dashboard: one link."""

    text: str  # e.g. "Sign version 2 of the covenant"
    href: str
    hint: str = ""  # a line more, e.g. "Re-signing is due by 26 January 2027"


# (session, the signed-in user, now) -> what the area asks of them now
DashboardActions = Callable[..., list[DashboardAction]]


@dataclass(frozen=True)
class Area:
    name: str
    blueprints: Sequence[Blueprint] = ()
    record_kinds: Sequence[RecordKind] = ()
    jobs: Sequence[Job] = ()
    # What pages read but must not make (a GET writes nothing): each step takes (session, now), makes
    # what is missing, commits and says what it did. Run by db.run_start_up_steps.
    start_up: Sequence[Callable] = ()
    dashboard_panels: Sequence[DashboardPanel] = ()
    dashboard_actions: Sequence[DashboardActions] = ()
    commands: Sequence[click.Command] = ()
    # What its audit events and records are called in the audit trail.
    audit_vocabulary: AuditVocabulary = field(default_factory=AuditVocabulary)
    # Anything else the area wires into the app when it starts (a user loader, say).
    setup: Callable[[Flask], None] | None = None
    # The area's step of `seed-demo` (covenant_portal/demo/): given the Demo, it schedules the
    # area's demo records on the demo's timeline; seed_demo asks every area in this order.
    demo: Callable | None = field(default=None, compare=False)
    # Duties the area knows to be broken after their chase ladder ran out (covenant_portal/web/duties.py):
    # the concerns area raises a concern for each, once per case.
    broken_duties: Sequence[BrokenDutyFinder] = ()
    # How each LA kept its side of the covenant, as the area measures it (shown by the observatory).
    la_pledge_figures: Sequence[LaPledgeFigures] = ()
    # Who a provider organisation's admins are, named on the 403 page (access.refusal); one area at most.
    organisation_admins: OrganisationAdmins | None = None


def register_areas(app: Flask, areas: Sequence[Area]) -> None:
    names = [area.name for area in areas]
    if len(set(names)) != len(names):
        raise ValueError(f"two areas share a name: {names}")
    for area in areas:
        for blueprint in area.blueprints:
            app.register_blueprint(blueprint)
        for command in area.commands:
            app.cli.add_command(command)
        if area.setup is not None:
            area.setup(app)
    kinds = [kind for area in areas for kind in area.record_kinds]
    jobs = [job for area in areas for job in area.jobs]
    _refuse_duplicates("record kind", [kind.kind for kind in kinds])
    _refuse_duplicates("job", [job.name for job in jobs])
    app.extensions["areas"] = tuple(areas)
    app.extensions["record_kinds"] = {kind.kind: kind for kind in kinds}
    app.extensions["jobs"] = tuple(jobs)
    vocabulary = AuditVocabulary()
    for area in areas:
        vocabulary = vocabulary.merged(area.audit_vocabulary)
    app.extensions["audit_vocabulary"] = vocabulary
    app.extensions["start_up"] = tuple(step for area in areas for step in area.start_up)
    app.extensions["broken_duties"] = tuple(finder for area in areas for finder in area.broken_duties)
    app.extensions["la_pledge_figures"] = tuple(figures for area in areas for figures in area.la_pledge_figures)
    admins = [area.organisation_admins for area in areas if area.organisation_admins is not None]
    if len(admins) > 1:
        raise ValueError("more than one area names the organisation admins")
    app.extensions["organisation_admins"] = admins[0] if admins else None
    app.extensions["dashboard_actions"] = tuple(actions for area in areas for actions in area.dashboard_actions)
    app.extensions["dashboard_panels"] = tuple(
        sorted((panel for area in areas for panel in area.dashboard_panels), key=lambda panel: panel.order)
    )


def _refuse_duplicates(what: str, names: list[str]) -> None:
    seen = {name for name in names if names.count(name) > 1}
    if seen:
        raise ValueError(f"more than one {what} is called {', '.join(sorted(seen))}")


def registered_areas(app: Flask | None = None) -> tuple[Area, ...]:
    return (app or current_app).extensions["areas"]


def dashboard_panels(role: Role, app: Flask | None = None) -> list[DashboardPanel]:
    return [panel for panel in (app or current_app).extensions["dashboard_panels"] if role in panel.roles]


def dashboard_actions(session, user, now, app: Flask | None = None) -> list[DashboardAction]:
    """What every area asks of `user` now, in the order the areas were registered."""
    return [
        action
        for actions in (app or current_app).extensions["dashboard_actions"]
        for action in actions(session, user, now)
    ]
