"""Why a return cannot be signed or corrected now; each message is fit to show the user."""

from dataclasses import dataclass

from covenant_portal.returns.models import ReturnSubmission


class SubmissionError(Exception):
    """A return cannot be signed or corrected now; the message is fit to show the user."""


class DraftChanged(SubmissionError):
    pass


class _Overtaken(Exception):
    """The draft was saved or signed by someone else between reading and signing it."""


class SigningKeyRetired(SubmissionError):
    pass


class AlreadySubmitted(SubmissionError):
    def __init__(self, submission: ReturnSubmission):
        super().__init__(f"This return was signed as version {submission.version}. Nothing else was signed.")
        self.submission = submission


@dataclass(frozen=True)
class Unfinished:
    """Something to finish before signing: in which section (to link to it) and what."""

    section: str  # "pledge", "occupancy" or "contacts"
    message: str
    pledge_number: int | None = None


class Incomplete(SubmissionError):
    def __init__(self, unfinished: list[Unfinished]):
        super().__init__("Finish every section of the return before you sign it.")
        self.unfinished = unfinished
