"""A provider's quarterly returns: the list of periods owed, starting a return, and its draft
section by section (task list, each pledge, occupancy, named contacts). Check answers and signing
(submission/check_answers.py, submission/routes.py), signed versions and evidence files are on the
same blueprint (blueprint.py)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import Role, allowed
from covenant_portal.contacts.service import current_contacts
from covenant_portal.covenant.service import current_version
from covenant_portal.db import get_session, utcnow
from covenant_portal.returns.blueprint import blueprint
from covenant_portal.returns.calendar.service import CalendarSettings
from covenant_portal.filters import london_datetime, london_day
from covenant_portal.returns.chasing.service import reminders_for
from covenant_portal.returns.drafts import service as drafts
from covenant_portal.returns.drafts.forms import (
    ContactsForm,
    PledgeForm,
    StartForm,
    field_name,
    occupancy_data,
    occupancy_form,
)
from covenant_portal.returns.submission.document import gm_local_authorities, open_homes, size_text, status_label
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.forms import add_error
from covenant_portal.web.views import link, signed_in_user

CONFLICT = 409


@blueprint.app_context_processor
def inject_labels():
    return {"pledge_status_label": status_label, "file_size": size_text}


def covenant_pledges() -> list[dict]:
    version = current_version(get_session())
    return version.document["pledges"] if version is not None else []


def _pledge(number: int) -> dict:
    return found_or_404(next((p for p in covenant_pledges() if int(p["number"]) == number), None))


def own_draft(return_id: int):
    """The organisation's return, if its draft is open; a signed return goes to its latest version."""
    quarterly_return = found_or_404(drafts.return_of(get_session(), current_user.organisation_id, return_id))
    if quarterly_return.draft is None:
        latest = quarterly_return.latest_submission
        found_or_404(latest)
        if request.method == "POST":  # a page opened before the return was signed (another tab, the back button)
            flash(signed_meanwhile(latest), "info")
        return None, redirect(
            link("returns.submission", return_id=return_id, version=latest.version) or url_for("returns.returns")
        )
    return quarterly_return, None


def signed_meanwhile(latest) -> str:
    """Why what was sent from a page of the draft was not saved: the return has been signed since."""
    return (
        f"Nothing was saved: {latest.signer_name} signed this return (version {latest.version}) on "
        f"{london_datetime(latest.signed_at)}. To change an answer, correct the return below."
    )


def draft_context(quarterly_return, **extra) -> dict:
    return {
        "quarterly_return": quarterly_return,
        "period": quarterly_return.period,
        "task_list_url": url_for("returns.task_list", return_id=quarterly_return.id),
        "section_url": lambda section: _section_url(quarterly_return, section),
        **extra,
    }


# The list, and starting


@blueprint.get("/returns")
@allowed(Role.PROVIDER)
def returns():
    session = get_session()
    today = london_day(utcnow())
    due_days = CalendarSettings.from_config(current_app.config).due_days
    return render_template(
        "returns/list.html",
        owed=drafts.owed_returns(session, current_user.organisation_id, today),
        upcoming=drafts.upcoming_period(session, current_user.organisation_id, today, due_days),
        covenant_url=link("covenant.read"),
        reminders=reminders_for(session, current_user.organisation_id),
        start_form=StartForm(),
        link=link,
    )


@blueprint.post("/returns/<int:period_id>/start")
@allowed(Role.PROVIDER)
def start(period_id):
    session = get_session()
    now = utcnow()
    period = found_or_404(drafts.owed_period(session, current_user.organisation_id, period_id, now))
    form = StartForm()
    if not form.validate_on_submit():
        flash("Your return was not started: try again.", "info")
        return redirect(url_for("returns.returns"))
    try:
        started = drafts.start_return(
            session,
            current_user.organisation_id,
            period,
            form.from_last_quarter(),
            signed_in_user(),
            current_actor(),
            now,
        )
    except drafts.DraftError as error:
        flash(str(error), "info")
        return redirect(url_for("returns.returns"))
    return redirect(url_for("returns.task_list", return_id=started.id))


# The task list


@blueprint.get("/returns/<int:return_id>")
@allowed(Role.PROVIDER)
def task_list(return_id):
    quarterly_return, elsewhere = own_draft(return_id)
    if elsewhere:
        return elsewhere
    sections = drafts.sections(get_session(), quarterly_return, covenant_pledges())
    return render_template(
        "returns/task_list.html",
        **draft_context(
            quarterly_return,
            sections=sections,
            completed=sum(section.status == drafts.SectionStatus.COMPLETED for section in sections),
            pledge_tasks=[_task(quarterly_return, s) for s in sections if s.kind == "pledge"],
            other_tasks=[_task(quarterly_return, s) for s in sections if s.kind != "pledge"],
        ),
    )


TAG_CLASSES = {
    drafts.SectionStatus.NOT_STARTED: "govuk-tag--blue",
    drafts.SectionStatus.FROM_LAST_QUARTER: "govuk-tag--yellow",
    drafts.SectionStatus.INCOMPLETE: "govuk-tag--light-blue",
}


def _task(quarterly_return, section: drafts.Section) -> dict:
    """An item of the GOV.UK task list."""
    if section.status == drafts.SectionStatus.COMPLETED:
        status = {"text": section.status.label}
    else:
        status = {"tag": {"text": section.status.label, "classes": TAG_CLASSES[section.status]}}
    return {
        "title": {"text": section.title},
        "hint": {"text": section.hint} if section.hint else None,
        "href": _section_url(quarterly_return, section),
        "status": status,
    }


def _section_url(quarterly_return, section) -> str:
    if section.kind == "pledge":
        return url_for("returns.pledge", return_id=quarterly_return.id, number=section.pledge_number)
    return url_for(f"returns.{section.kind}", return_id=quarterly_return.id)


def _after_save(quarterly_return, form, path, message: str):
    """ "Save and continue" goes on to the next section in the task list's order, and from the last
    to check answers; "Save and return to the task list" goes back to it."""
    flash(message, "success")
    if form.save_and_return.data:
        return redirect(url_for("returns.task_list", return_id=quarterly_return.id))
    sections = drafts.sections(get_session(), quarterly_return, covenant_pledges())
    paths = [_path_of(section) for section in sections]
    following = sections[paths.index(path) + 1 :] if path in paths else []
    if following:
        return redirect(_section_url(quarterly_return, following[0]))
    return redirect(url_for("returns.check", return_id=quarterly_return.id))


def _path_of(section: drafts.Section) -> tuple[str, ...]:
    if section.kind == "pledge" and section.pledge_number is not None:
        return drafts.pledge_path(section.pledge_number)
    return drafts.OCCUPANCY_PATH if section.kind == "occupancy" else drafts.CONTACTS_PATH


def _conflict_page(template: str, form, conflict: drafts.DraftConflict, **context):
    """The page again with what was typed, saying who saved meanwhile; saving again replaces theirs."""
    form.draft_lock.data = str(conflict.lock)
    form.section_seen.data = conflict.section_seen
    return render_template(template, form=form, conflict=conflict, **context), CONFLICT


def _closed(quarterly_return, error: drafts.DraftClosed):
    flash(str(error), "info")
    return redirect(url_for("returns.task_list", return_id=quarterly_return.id))


# Sections


@blueprint.route("/returns/<int:return_id>/pledges/<int:number>", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def pledge(return_id, number):
    session = get_session()
    quarterly_return, elsewhere = own_draft(return_id)
    if elsewhere:
        return elsewhere
    covenant_pledge = _pledge(number)
    path = drafts.pledge_path(number)
    saved = drafts.section_of(quarterly_return.draft, path) or {}
    form = PledgeForm(data={"status": saved.get("status"), "narrative": saved.get("narrative", "")})
    context = draft_context(
        quarterly_return,
        pledge=covenant_pledge,
        saved=saved,
        status_of=drafts.pledge_status,
        evidence_url=link("returns.evidence", return_id=return_id, number=number),
    )
    return _section_page(
        "returns/pledge.html",
        form,
        context,
        quarterly_return,
        path,
        save=lambda: drafts.save_pledge(
            session,
            quarterly_return,
            number,
            form.answer(),
            form.shown(),
            signed_in_user(),
            current_actor(),
            utcnow(),
        ),
        saved_message=f"Pledge {number} has been saved.",
    )


@blueprint.route("/returns/<int:return_id>/occupancy", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def occupancy(return_id):
    session = get_session()
    quarterly_return, elsewhere = own_draft(return_id)
    if elsewhere:
        return elsewhere
    homes = open_homes(session, quarterly_return.organisation_id)
    authorities = gm_local_authorities(session)
    saved = drafts.section_of(quarterly_return.draft, drafts.OCCUPANCY_PATH) or {}
    form = occupancy_form(homes, authorities, data=occupancy_data(homes, saved))
    context = draft_context(
        quarterly_return,
        homes=homes,
        authorities=authorities,
        saved=saved,
        field_name=field_name,
    )
    return _section_page(
        "returns/occupancy.html",
        form,
        context,
        quarterly_return,
        drafts.OCCUPANCY_PATH,
        save=lambda: drafts.save_occupancy(
            session,
            quarterly_return,
            [authority.ons_code for authority in authorities],
            form.answers(),
            form.shown(),
            signed_in_user(),
            current_actor(),
            utcnow(),
        ),
        saved_message="The occupancy of your homes has been saved.",
        field_for=lambda error_key: field_name(*error_key),
        also_wrong=lambda: drafts.occupancy_problems(
            form.homes_without_errors(),
            [authority.ons_code for authority in authorities],
            form.answers(form.homes_without_errors()),
        ),
    )


@blueprint.route("/returns/<int:return_id>/contacts", methods=["GET", "POST"])
@allowed(Role.PROVIDER)
def contacts(return_id):
    session = get_session()
    quarterly_return, elsewhere = own_draft(return_id)
    if elsewhere:
        return elsewhere
    saved = drafts.section_of(quarterly_return.draft, drafts.CONTACTS_PATH) or {}
    # A declaration: never ticked for the person, whatever the draft holds (last quarter's, or
    # their own earlier confirmation); only what they send back is kept when the page is shown again.
    form = ContactsForm()
    context = draft_context(
        quarterly_return,
        contacts=current_contacts(session, quarterly_return.organisation_id),
        saved=saved,
        contacts_url=link("contacts.contacts"),
    )
    return _section_page(
        "returns/contacts.html",
        form,
        context,
        quarterly_return,
        drafts.CONTACTS_PATH,
        save=lambda: drafts.save_contacts(
            session,
            quarterly_return,
            form.confirmed.data,
            form.shown(),
            signed_in_user(),
            current_actor(),
            utcnow(),
        ),
        saved_message="Your named contacts have been confirmed.",
    )


def _section_page(template, form, context, quarterly_return, path, save, saved_message, field_for=str, also_wrong=dict):
    """A section's page: shown, re-shown with errors (400) or a colleague's conflicting save (409),
    or saved. `field_for` names the form field of each error the draft service reports; `also_wrong`
    finds, when some fields are wrong, the rules' errors in the rest, so every error shows at once."""
    if not form.is_submitted():
        form.show(drafts.seen(quarterly_return, path))
        return render_template(template, form=form, **context)
    if not form.validate_on_submit():
        for key, message in also_wrong().items():
            add_error(form, field_for(key), message)
        return render_template(template, form=form, **context), 400
    try:
        save()
    except drafts.DraftInvalid as error:
        for key, message in error.errors.items():
            add_error(form, field_for(key), message)
        return render_template(template, form=form, **context), 400
    except drafts.DraftConflict as conflict:
        return _conflict_page(template, form, conflict, **context)
    except drafts.DraftClosed as error:
        return _closed(quarterly_return, error)
    return _after_save(quarterly_return, form, path, saved_message)
