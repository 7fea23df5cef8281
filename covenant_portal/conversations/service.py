"""Conversations between a local authority and a provider: the rules for starting one, replying,
who may read and write, and who is told.

An LA contact starts a conversation with a provider (from the observatory, say, when its GM share
is below the dialogue threshold: the `topic` says why); the provider's named contacts are emailed.
Either side replies; the other side is emailed; the conversation awaits the side that did not write
last. LA contacts of the conversation's LA and the provider's users write; escalation officers and
admins may read. Everyone else finds no such conversation."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from covenant_portal import audit
from covenant_portal.access import Role
from covenant_portal.accounts.models import ProviderOrganisation, User, is_active_organisation_admin
from covenant_portal.audit.service import Actor
from covenant_portal.contacts.service import current_contacts
from covenant_portal.conversations.models import Conversation, ConversationMessage, Side
from covenant_portal.mail.links import Links
from covenant_portal.mail.service import queue_email_to_each

DEFAULT_TOPIC = "General"
WRITERS = (Role.LA_CONTACT, Role.PROVIDER)


@dataclass(frozen=True)
class Opening:
    """What a conversation starts with."""

    topic: str
    subject: str
    body: str


def side_of(user: User) -> Side | None:
    """Which side a user writes for, or None if they only read (officers, admins)."""
    if user.role == Role.LA_CONTACT:
        return Side.LOCAL_AUTHORITY
    if user.role == Role.PROVIDER:
        return Side.PROVIDER
    return None


def visible_to(user: User) -> ColumnElement[bool]:
    """Which conversations a user may read, as a WHERE clause on Conversation."""
    if user.role == Role.LA_CONTACT:
        return Conversation.local_authority_id == user.local_authority_id
    if user.role == Role.PROVIDER:
        return Conversation.organisation_id == user.organisation_id
    if user.role in (Role.ESCALATION_OFFICER, Role.ADMIN):
        return true()
    return false()


def provider_to_talk_to(session: Session, provider_id: int) -> ProviderOrganisation | None:
    return session.get(ProviderOrganisation, provider_id)


def conversation_for(session: Session, user: User, conversation_id: int) -> Conversation | None:
    """The conversation with its messages, if the user may read it; otherwise None (not found)."""
    return session.scalar(
        select(Conversation)
        .options(
            joinedload(Conversation.local_authority),
            joinedload(Conversation.organisation),
            selectinload(Conversation.messages).joinedload(ConversationMessage.author),
        )
        .where(Conversation.id == conversation_id, visible_to(user))
    )


def conversations_of(session: Session, user: User) -> list[Conversation]:
    """The conversations the user may read, the latest written-in first."""
    return list(
        session.scalars(
            select(Conversation)
            .options(joinedload(Conversation.local_authority), joinedload(Conversation.organisation))
            .where(visible_to(user))
            .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        )
    )


def awaiting_reply_count(session: Session, user: User) -> int:
    """How many of the user's side's conversations await their side's reply (0 for readers)."""
    side = side_of(user)
    if side is None:
        return 0
    return (
        session.scalar(select(func.count(Conversation.id)).where(visible_to(user), Conversation.awaiting == side)) or 0
    )


def start_conversation(
    session: Session,
    links: Links,
    starter: User,
    organisation: ProviderOrganisation,
    opening: Opening,
    actor: Actor,
    now: datetime,
) -> Conversation:
    """An LA contact opens a conversation with a provider; the provider's named contacts are told."""
    if starter.role != Role.LA_CONTACT or starter.local_authority_id is None:
        raise PermissionError("only a local authority contact starts a conversation")
    conversation = Conversation(
        local_authority_id=starter.local_authority_id,
        organisation_id=organisation.id,
        topic=opening.topic or DEFAULT_TOPIC,
        subject=opening.subject,
        started_by_id=starter.id,
        started_at=now,
        awaiting=Side.PROVIDER,
        last_message_at=now,
    )
    session.add(conversation)
    session.flush()
    message = _add_message(session, conversation, starter, Side.LOCAL_AUTHORITY, opening.body, now)
    audit.record(
        session,
        actor,
        "conversation.started",
        conversation,
        now,
        local_authority_id=conversation.local_authority_id,
        organisation_id=organisation.id,
        topic=conversation.topic,
    )
    _tell_other_side(session, links, conversation, message, now)
    session.commit()
    return conversation


def reply(
    session: Session, links: Links, conversation: Conversation, author: User, body: str, actor: Actor, now: datetime
) -> ConversationMessage:
    """A message from either side; the other side is told, and their reply is now awaited."""
    side = side_of(author)
    visible = select(Conversation.id).where(Conversation.id == conversation.id, visible_to(author))
    if side is None or session.scalar(visible) is None:
        raise PermissionError("only the conversation's two sides write in it")
    message = _add_message(session, conversation, author, side, body, now)
    conversation.awaiting = side.other
    conversation.last_message_at = now
    audit.record(session, actor, "conversation.replied", conversation, now, message_id=message.id, side=str(side))
    _tell_other_side(session, links, conversation, message, now)
    session.commit()
    return message


def _add_message(
    session: Session, conversation: Conversation, author: User, side: Side, body: str, now: datetime
) -> ConversationMessage:
    message = ConversationMessage(conversation=conversation, author_id=author.id, side=side, body=body, sent_at=now)
    session.add(message)
    session.flush()
    return message


def recipients(session: Session, conversation: Conversation, side: Side) -> list[str]:
    """Who on `side` is emailed about a new message. A provider: its named contacts for vacancies and
    referrals (its organisation admins if it has none). An LA: its contacts who have written in the
    conversation."""
    if side == Side.PROVIDER:
        addresses = [contact.email for contact in current_contacts(session, conversation.organisation_id)]
        if not addresses:
            addresses = list(
                session.scalars(
                    select(User.email).where(
                        User.organisation_id == conversation.organisation_id, *is_active_organisation_admin()
                    )
                )
            )
    else:
        addresses = list(
            session.scalars(
                select(User.email)
                .join(ConversationMessage, ConversationMessage.author_id == User.id)
                .where(
                    ConversationMessage.conversation_id == conversation.id,
                    ConversationMessage.side == Side.LOCAL_AUTHORITY,
                    User.deactivated_at.is_(None),
                )
            )
        )
    return sorted({address.lower(): address for address in addresses}.values())


def _tell_other_side(
    session: Session, links: Links, conversation: Conversation, message: ConversationMessage, now: datetime
) -> None:
    side = message.side.other
    from_whom = (
        conversation.local_authority.name if message.side == Side.LOCAL_AUTHORITY else conversation.organisation.name
    )
    queue_email_to_each(
        session,
        ((address.lower(), address) for address in recipients(session, conversation, side)),
        subject=f"New message from {from_whom}: {conversation.subject}",
        template="conversation_message",
        dedupe_key=f"conversation-message:{message.id}",
        now=now,
        conversation=conversation,
        from_whom=from_whom,
        link=links.url("conversations.conversation", conversation_id=conversation.id),
    )
