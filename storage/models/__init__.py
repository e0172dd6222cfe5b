"""All tables of the domain; importing this module registers them on `Base.metadata`."""

from storage.models.admin import AdminSession, AdminUser, ApiToken, AuditLogEntry, LoginFailure
from storage.models.auto_message import AutoMessage
from storage.models.base import Base
from storage.models.booking import Booking, BookingStatusChange
from storage.models.calendar import BusyCalendar, BusyTime, CalendarFeed
from storage.models.candidate import Candidate, CandidateStatusChange
from storage.models.city import City, CityName, recruiter_cities
from storage.models.contact_request import ContactRequest
from storage.models.conversation import CandidateNote, CandidateTag, InboundMessage, Tag
from storage.models.notification import Notification, NotificationSubject
from storage.models.recruiter import Recruiter, RecruiterInvite
from storage.models.slot import Slot
from storage.models.template import MessageTemplate
from storage.models.test import Test, TestAnswer, TestQuestion, TestResult
from storage.models.vacancy import Vacancy, vacancy_cities
from storage.models.waitlist import WaitlistEntry

__all__ = [
    "AdminSession",
    "AdminUser",
    "ApiToken",
    "AuditLogEntry",
    "AutoMessage",
    "Base",
    "Booking",
    "BookingStatusChange",
    "BusyCalendar",
    "BusyTime",
    "CalendarFeed",
    "Candidate",
    "CandidateNote",
    "CandidateStatusChange",
    "CandidateTag",
    "City",
    "CityName",
    "ContactRequest",
    "InboundMessage",
    "LoginFailure",
    "MessageTemplate",
    "Notification",
    "NotificationSubject",
    "Recruiter",
    "RecruiterInvite",
    "Slot",
    "Tag",
    "Test",
    "TestAnswer",
    "TestQuestion",
    "TestResult",
    "Vacancy",
    "WaitlistEntry",
    "recruiter_cities",
    "vacancy_cities",
]
