"""Every form of the portal, as the hostile suite reaches it: who fills it in, where, with what a
person would type (over what the page holds already), and which form classes its view uses.
tests/hostile/test_every_form.py fails for a POST route or a form class that is not here."""

from dataclasses import dataclass, field

from tests.homes.homes import home_form


@dataclass(frozen=True)
class Target:
    endpoint: str
    persona: str
    url: str  # formatted with the world as `w`
    forms: tuple[str, ...]  # the form classes (by name) its view makes
    page: str = ""  # where the form is shown, if not at `url`
    data: dict = field(default_factory=dict)  # what a person types, over what the page holds
    shown_at: tuple[str, ...] = ()  # pages showing what was saved, besides the one redirected to
    method: str = "post"

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.endpoint}"


PASSWORDS = {"password": "correct horse battery staple", "confirm_password": "correct horse battery staple"}
PERSON = {"full_name": "Ada Lovelace", "job_title": "Manager", "email": "ada@example.org"}
RETURN = "/returns/{w.draft_return.id}"
NEED = "/expansions/needs/{w.expansions.need.id}"
DRAFT = "/expansions/proposals/{w.expansions.draft.id}"
ASKED = "/expansions/proposals/{w.expansions.asked.id}"
PROPOSAL = "/expansions/proposals/{w.expansions.proposal.id}"
LA_PROPOSAL = "/la/expansions/{w.expansions.proposal.id}"
STAGE = "/concerns/{{w.concern_stages.{}.id}}"
DRAFT_SUMMARY = "/learning/{w.learning.draft.id}"
SUMMARY_TYPED = {
    "title": "Plans travel with the referral",
    "what_happened": "A referral came without the plan.",
    "what_learned": "Check the referral first.",
    "themes": ["referral_information"],
}

TARGETS = [
    # Accounts
    Target("accounts.login", "anonymous", "/sign-in", ("LoginForm",), data={"email": "a@example.org", "password": "x"}),
    Target("accounts.logout", "provider", "/sign-out", ("SignOutForm",)),
    Target(
        "accounts.sign_up",
        "anonymous",
        "/sign-up",
        ("SignUpForm",),
        data={"organisation_name": "Acorn Care", **PERSON, **PASSWORDS},
    ),
    Target(
        "accounts.resend_verification",
        "anonymous",
        "/verify-email/resend",
        ("EmailForm",),
        data={"email": "ada@example.org"},
    ),
    Target(
        "accounts.forgotten_password",
        "anonymous",
        "/forgotten-password",
        ("EmailForm",),
        data={"email": "ada@example.org"},
    ),
    Target(
        "accounts.reset_password", "anonymous", "/reset-password/{w.reset_token}", ("NewPasswordForm",), data=PASSWORDS
    ),
    Target("accounts.activate", "anonymous", "/activate/{w.activate_token}", ("NewPasswordForm",), data=PASSWORDS),
    Target(
        "accounts.change_password",
        "provider",
        "/account/change-password",
        ("ChangePasswordForm",),
        data={"current_password": "x", **PASSWORDS},
    ),
    Target(
        "accounts.change_email",
        "provider",
        "/account/change-email",
        ("ChangeEmailForm",),
        data={"email": "new@example.org", "password": "x"},
    ),
    Target(
        "accounts.team_invite", "provider", "/team/invite", ("InviteColleagueForm",), data=PERSON, shown_at=("/team",)
    ),
    Target(
        "accounts.team_deactivate",
        "provider",
        "/team/{w.colleague.id}/deactivate",
        (),
        page="/team/{w.colleague.id}/deactivate",
    ),
    Target("accounts.team_reactivate", "provider", "/team/{w.deactivated.id}/reactivate", (), page="/team"),
    # Admin
    Target(
        "admin.invite_user",
        "admin",
        "/admin/users/invite",
        ("InviteUserForm",),
        data={**PERSON, "role": "admin"},
        shown_at=("/admin/users",),
    ),
    Target(
        "admin.deactivate_user",
        "admin",
        "/admin/users/{w.colleague.id}/deactivate",
        (),
        page="/admin/users/{w.colleague.id}/deactivate",
    ),
    Target(
        "admin.reactivate_user",
        "admin",
        "/admin/users/{w.deactivated.id}/reactivate",
        (),
        page="/admin/users/{w.deactivated.id}",
    ),
    Target("admin.users", "admin", "/admin/users", ("UserFilterForm",), method="get"),
    Target("audit.trail", "admin", "/admin/audit", ("AuditFilterForm",), method="get"),
    Target("jobs.job_runs", "admin", "/admin/job-runs", ("JobRunFilterForm",), method="get"),
    Target("mail.mail_log", "admin", "/admin/mail-log", ("MailLogFilterForm",), method="get"),
    # Contacts
    Target(
        "contacts.new_contact",
        "provider",
        "/contacts/new",
        ("ContactForm",),
        data={"name": "Priya Shah", "role": "Manager", "email": "p@example.org", "phone": "0161 496 0000"},
        shown_at=("/contacts",),
    ),
    Target(
        "contacts.edit_contact", "provider", "/contacts/{w.contact.id}/edit", ("ContactForm",), shown_at=("/contacts",)
    ),
    Target(
        "contacts.remove_contact",
        "provider",
        "/contacts/{w.contact.id}/remove",
        (),
        page="/contacts/{w.contact.id}/remove",
    ),
    Target(
        "contacts.la_named_contact",
        "la_contact",
        "/la/named-contact",
        ("NamedContactForm",),
        data={"email": "placements@council.example", "phone": "01204 333 333"},
    ),
    Target(
        "contacts.admin_name_contact",
        "admin",
        "/admin/named-contacts/{w.to_be_named.id}",
        ("NamedContactForm",),
        data={"email": "placements@council.example", "phone": "01204 333 333"},
        shown_at=("/admin/named-contacts",),
    ),
    Target(
        "contacts.admin_end_named_contact",
        "admin",
        "/admin/named-contacts/{w.named_contact.id}/end",
        (),
        page="/admin/named-contacts/{w.named_contact.id}/end",
    ),
    # Covenant
    Target(
        "covenant.sign",
        "unsigned",
        "/covenant/sign",
        ("SignForm",),
        data={"full_name": "Ada Lovelace", "job_title": "Director", "confirm": "y"},
        shown_at=("/signatories",),
    ),
    Target("covenant.admin_new", "admin", "/admin/covenant/new", ("DraftForm",)),
    Target(
        "la_covenant.sign",
        "la_contact",
        "/la/covenant/sign",
        ("AuthoritySignForm",),
        data={"full_name": "Ada Lovelace", "job_title": "Director", "confirm": "y"},
        shown_at=("/signatories",),
    ),
    Target(
        "covenant.admin_publish",
        "admin",
        "/admin/covenant/{w.draft_version.number}/publish",
        (),
        page="/admin/covenant/{w.draft_version.number}/publish",
    ),
    # Conversations
    Target(
        "conversations.start",
        "la_contact",
        "/conversations/start?provider_id={w.provider.organisation_id}",
        ("StartForm",),
        data={"topic": "GM share", "subject": "Places", "body": "Could we talk?"},
        shown_at=("/conversations",),
    ),
    Target(
        "conversations.reply",
        "la_contact",
        "/conversations/{w.conversation.id}/reply",
        ("ReplyForm",),
        page="/conversations/{w.conversation.id}",
        data={"body": "Hello"},
    ),
    # Homes
    # Concerns
    Target(
        "concerns.raise_concern",
        "la_contact",
        "/concerns/new",
        ("RaiseForm",),
        data={"category": "communication", "severity": "low", "event_on": ["3", "3", "2026"], "description": "Late."},
        shown_at=("/concerns",),
    ),
    Target(
        "concerns.send_message",
        "la_contact",
        "/concerns/{w.concern.id}/messages",
        ("MessageForm", "CloseForm"),
        page="/concerns/{w.concern.id}",
        data={"message": "We will call on Thursday."},
    ),
    Target(
        "concerns.close",
        "officer",
        STAGE.format("recorded") + "/close",
        ("CloseForm",),
        page=STAGE.format("recorded"),
    ),
    Target("concerns.acknowledge", "la_contact", "/concerns/{w.concern.id}/acknowledge", ("AcknowledgeForm",)),
    Target(
        "concerns.propose",
        "la_contact",
        STAGE.format("acknowledged") + "/propose",
        ("ProposeForm",),
        data={"resolution": "We will resend the plan."},
    ),
    Target("concerns.resolve", "officer", STAGE.format("proposed") + "/resolve", ("ResolveForm",)),
    Target(
        "concerns.arrange",
        "officer",
        STAGE.format("resolved") + "/arrange",
        ("ArrangeForm",),
        data={"response": "huddle", "on": ["9", "3", "2026"], "meeting_format": "Call", "attendees": "Both"},
    ),
    Target("concerns.held", "officer", STAGE.format("arranged") + "/held", ("HeldForm",), data={"notes": "Held."}),
    Target(
        "concerns.learning",
        "officer",
        STAGE.format("held") + "/learning",
        ("LearningForm",),
        data={"learned": "Attach the plan.", "action_1": "Checklist", "owner_1": "Team", "due_1": ["1", "4", "2026"]},
    ),
    Target("concerns.reopen", "officer", STAGE.format("resolved") + "/reopen", ("ReopenForm",)),
    Target(
        "concerns.extend",
        "officer",
        "/concerns/{w.concern.id}/extend",
        ("ExtendForm",),
        data={"timer": "acknowledgement", "days": "2", "reason": "Leave."},
    ),
    Target(
        "concerns.action_done",
        "la_contact",
        "/concerns/{w.closed_concern.concern.id}/actions/{w.learning.action.id}/done",
        ("ActionDoneForm",),
        data={"note": "Checklist updated."},
    ),
    # The learning library
    Target("learning.library", "provider", "/learning", ("LibraryFilterForm",), method="get"),
    Target(
        "learning.new_good_practice",
        "officer",
        "/learning/new",
        ("GoodPracticeForm",),
        data={"category": "quality_of_care", **SUMMARY_TYPED},
        shown_at=("/learning",),
    ),
    Target(
        "learning.from_concern",
        "officer",
        "/concerns/{w.closed_concern.concern.id}/learning-summary",
        ("ConcernSummaryForm",),
        data={"kind": "learning", **SUMMARY_TYPED},
        shown_at=("/learning",),
    ),
    Target("learning.edit", "officer", DRAFT_SUMMARY + "/edit", ("EditForm",), data=SUMMARY_TYPED),
    Target(
        "learning.publish",
        "officer",
        DRAFT_SUMMARY + "/publish",
        ("PublishForm",),
        page=DRAFT_SUMMARY,
        shown_at=("/learning",),
    ),
    Target("learning.names", "la_contact", DRAFT_SUMMARY + "/names", ("AgreementForm",), data={"agree": "y"}),
    Target("homes.new_home", "provider", "/homes/new", ("HomeForm",), data="home", shown_at=("/homes",)),
    Target("homes.edit_home", "provider", "/homes/{w.home.id}/edit", ("HomeForm",), shown_at=("/homes",)),
    # Quarterly returns
    Target("returns.start", "starter", "/returns/{w.starter_period.id}/start", ("StartForm",), page="/returns"),
    Target("returns.pledge", "provider", RETURN + "/pledges/1", ("PledgeForm",), shown_at=(RETURN + "/check",)),
    Target("returns.occupancy", "provider", RETURN + "/occupancy", ("DraftPageForm",), shown_at=(RETURN + "/check",)),
    Target("returns.contacts", "provider", RETURN + "/contacts", ("ContactsForm",)),
    Target(
        "returns.sign",
        "provider",
        RETURN + "/sign",
        ("SignReturnForm",),
        page=RETURN + "/check",  # the declaration is on check answers, and posts to /sign
        data={"full_name": "Ada Lovelace", "job_title": "Director", "confirm": "y"},
    ),
    Target(
        "returns.correct",
        "provider",
        "/returns/{w.signed_return.id}/correct",
        ("ActionForm",),
        page="/returns/{w.signed_return.id}/submissions/1",
    ),
    Target("returns.evidence", "provider", RETURN + "/pledges/1/evidence", ("EvidenceForm", "ActionForm")),
    Target(
        "returns.evidence_remove",
        "provider",
        RETURN + "/evidence/{w.evidence_file.id}/remove",
        ("ActionForm",),
        page=RETURN + "/pledges/1/evidence",
    ),
    Target(
        "return_calendar.change_due_date",
        "admin",
        "/admin/return-periods/{w.period.id}",
        ("DueDateForm",),
        data={"reason": "Bank holiday"},
    ),
    # Signing
    Target("signing.verify", "anonymous", "/verify", ("VerifyForm",), data={"receipt_text": "{}"}),
    Target(
        "signing.witnesses",
        "admin",
        "/admin/witnesses",
        ("WitnessKeyForm", "RemoveWitnessForm"),
        data={"description": "Wigan Council, internal audit"},
    ),
    Target(
        "signing.remove_witness",
        "admin",
        "/admin/witnesses/{w.witness.id}/remove",
        ("RemoveWitnessForm",),
        page="/admin/witnesses",
    ),
    # Planned expansions (the world's `expansions`: tests/expansions/helpers.py expansion_world)
    Target("expansion_needs.needs", "provider", "/expansions/needs", ("NeedsFilterForm",), method="get"),
    Target("expansion_oversight.proposals", "admin", "/expansions/oversight", ("OverseenFilterForm",), method="get"),
    Target(
        "expansion_needs.new_need",
        "la_contact",
        "/expansions/needs/new",
        ("NeedForm",),
        shown_at=("/expansions/needs",),
    ),
    Target("expansion_needs.edit_need", "la_contact", NEED + "/edit", ("NeedForm",), shown_at=("/expansions/needs",)),
    Target("expansion_needs.withdraw_need", "la_contact", NEED + "/withdraw", ("ButtonForm",)),
    Target(
        "expansion_proposals.start",
        "provider",
        "/expansions/proposals/new",
        ("ButtonForm",),
        page="/expansions/proposals",
    ),
    Target(
        "expansion_proposals.section",
        "provider",
        DRAFT + "/sections/service",
        ("ServiceForm",),
        shown_at=(DRAFT + "/check",),
    ),
    Target("expansion_proposals.section", "provider", DRAFT + "/sections/registration", ("RegistrationForm",)),
    Target("expansion_proposals.section", "provider", DRAFT + "/sections/need", ("NeedAnsweredForm",)),
    Target("expansion_proposals.section", "provider", DRAFT + "/sections/location", ("LocationForm",)),
    Target(
        "expansion_proposals.check",
        "provider",
        "/expansions/proposals/{w.expansions.full_draft.id}/check",
        ("SubmitProposalForm",),
    ),
    Target("expansion_proposals.answer", "provider", ASKED + "/answer", ("AnswerForm",), page=ASKED, shown_at=(ASKED,)),
    Target(
        "expansion_proposals.message",
        "provider",
        PROPOSAL + "/messages",
        ("MessageForm",),
        page=PROPOSAL,
        shown_at=(LA_PROPOSAL,),
    ),
    Target("expansion_proposals.withdraw", "provider", PROPOSAL + "/withdraw", ("ButtonForm",)),
    Target("expansion_proposals.revise", "provider", PROPOSAL + "/revise", ("ButtonForm",), page=PROPOSAL),
    Target("expansion_triage.take", "la_contact", LA_PROPOSAL + "/take", ("ButtonForm",), page=LA_PROPOSAL),
    Target(
        "expansion_triage.ask",
        "la_contact",
        LA_PROPOSAL + "/information",
        ("QuestionForm", "MessageForm", "ButtonForm"),
        page=LA_PROPOSAL,
    ),
    Target(
        "expansion_triage.message",
        "la_contact",
        LA_PROPOSAL + "/messages",
        ("QuestionForm", "MessageForm", "ButtonForm"),
        page=LA_PROPOSAL,
    ),
    Target("expansion_triage.outcome", "la_contact", LA_PROPOSAL + "/outcome", ("OutcomeForm",)),
    # POST /checkpoint/cosignatures takes a witness's note, not a form: tests/hostile/test_cosignatures.py.
    Target("signing.add_cosignatures", "anonymous", "/checkpoint/cosignatures", (), method="raw"),
]


def data_for(target: Target, session) -> dict:
    return home_form(session) if target.data == "home" else dict(target.data)
