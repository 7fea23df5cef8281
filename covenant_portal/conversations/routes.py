"""Conversations between a local authority and a provider: start one, read one and reply, list them."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from covenant_portal.access import Role, allowed
from covenant_portal.conversations import service
from covenant_portal.conversations.forms import ReplyForm, StartForm
from covenant_portal.db import get_session, utcnow
from covenant_portal.web import current_actor, found_or_404
from covenant_portal.web.views import email_links, form_page, signed_in_user

blueprint = Blueprint("conversations", __name__)

READERS = (Role.LA_CONTACT, Role.PROVIDER, Role.ESCALATION_OFFICER, Role.ADMIN)


@blueprint.app_context_processor
def inject_conversations_awaiting():
    # A function, called by the dashboards only when they show it, so other pages query nothing.
    return {"conversations_awaiting": lambda: service.awaiting_reply_count(get_session(), signed_in_user())}


def _provider_from_query():
    provider_id = request.args.get("provider_id", type=int)
    if provider_id is None or not 0 < provider_id < 2**31:
        return found_or_404(None)
    return found_or_404(service.provider_to_talk_to(get_session(), provider_id))


@blueprint.route("/conversations/start", methods=["GET", "POST"])
@allowed(Role.LA_CONTACT)
def start():
    session = get_session()
    provider = _provider_from_query()
    topic = request.args.get("topic", "")
    form = StartForm() if request.method == "POST" else StartForm(data={"topic": topic[:200]})
    if not form.validate_on_submit():
        return form_page("conversations/start.html", form, provider=provider)
    conversation = service.start_conversation(
        session, email_links(), signed_in_user(), provider, form.opening(), current_actor(), utcnow()
    )
    flash(f"Your message has been sent to {provider.name}.", "success")
    return redirect(url_for("conversations.conversation", conversation_id=conversation.id))


@blueprint.get("/conversations")
@allowed(*READERS)
def conversations():
    return render_template(
        "conversations/list.html", conversations=service.conversations_of(get_session(), signed_in_user())
    )


def _conversation(conversation_id: int):
    return found_or_404(service.conversation_for(get_session(), signed_in_user(), conversation_id))


def _page(conversation, form: ReplyForm | None):
    """The conversation; with the reply form for the two sides (officers and admins only read)."""
    context = {"conversation": conversation, "side": service.side_of(current_user)}
    if form is None:
        return render_template("conversations/conversation.html", form=None, **context)
    return form_page("conversations/conversation.html", form, **context)


@blueprint.get("/conversations/<int:conversation_id>")
@allowed(*READERS)
def conversation(conversation_id):
    conversation = _conversation(conversation_id)
    return _page(conversation, ReplyForm() if service.side_of(current_user) else None)


@blueprint.post("/conversations/<int:conversation_id>/reply")
@allowed(*service.WRITERS)
def reply(conversation_id):
    conversation = _conversation(conversation_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _page(conversation, form)
    service.reply(
        get_session(), email_links(), conversation, signed_in_user(), form.body.data, current_actor(), utcnow()
    )
    flash("Your reply has been sent.", "success")
    return redirect(url_for("conversations.conversation", conversation_id=conversation.id))
