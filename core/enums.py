"""The closed sets of values (statuses, kinds, roles) that every layer from storage up shares."""

from __future__ import annotations

from enum import StrEnum


class CandidateStatus(StrEnum):
    NEW = "new"
    SCREENING = "screening"
    SCREENING_FAILED = "screening_failed"
    SCREENING_PASSED = "screening_passed"
    INTERVIEW_REQUESTED = "interview_requested"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEW_CONFIRMED = "interview_confirmed"
    INTERVIEWED_PASSED = "interviewed_passed"
    INTERVIEWED_FAILED = "interviewed_failed"
    NO_SHOW = "no_show"
    TEST2_PASSED = "test2_passed"
    TEST2_FAILED = "test2_failed"
    INTRO_DAY_SCHEDULED = "intro_day_scheduled"
    HIRED = "hired"
    NOT_HIRED = "not_hired"
    WITHDRAWN = "withdrawn"


class SlotPurpose(StrEnum):
    INTERVIEW = "interview"
    INTRO_DAY = "intro_day"


class BookingStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    DECLINED = "declined"
    CANCELED = "canceled"
    EXPIRED = "expired"


# A booking in one of these holds its slot; the partial unique indexes use this list.
ACTIVE_BOOKING_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.CONFIRMED)


class TestKind(StrEnum):
    __test__ = False
    SCREENING = "screening"
    KNOWLEDGE = "knowledge"


class QuestionKind(StrEnum):
    TEXT = "text"
    SINGLE_CHOICE = "single_choice"
    NUMBER = "number"
    PHONE = "phone"


class TestResultStatus(StrEnum):
    __test__ = False
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    FAILED = "failed"
    KNOCKED_OUT = "knocked_out"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELED = "canceled"
    UNREACHABLE = "unreachable"  # 403: the recipient blocked the bot
    HELD = "held"  # its auto-message is paused


class AutoMessageKind(StrEnum):
    BROADCAST = "broadcast"
    TRIGGER = "trigger"


class AutoMessageTrigger(StrEnum):
    SCREENING_PASSED_NO_BOOKING = "screening_passed_no_booking"
    NO_SHOW_FOLLOW_UP = "no_show_follow_up"
    WAITLISTED_FOR_DAYS = "waitlisted_for_days"


class AutoMessageState(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"


class AdminRole(StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"


class ContactReason(StrEnum):
    """Why a candidate asked to be contacted."""

    NO_TIME = "no_time"  # found no free time ("Please contact me")
    NO_SHOW_WROTE = "no_show_wrote"  # missed the interview, then wrote
    CITY_MISSING = "city_missing"  # their city is not in the list


class InboundKind(StrEnum):
    """What a candidate sent that the flow was not waiting for (the conversation's inbox)."""

    TEXT = "text"
    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    VIDEO = "video"
    VIDEO_NOTE = "video_note"
    AUDIO = "audio"
    STICKER = "sticker"
    ANIMATION = "animation"
    OTHER = "other"  # a contact, a location, a poll: kept as its description
