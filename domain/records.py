"""The records the entry points hold: what the domain hands out and takes back.

They are storage's mapped classes, named here so that the bot, the panel, the API and the jobs
depend on the domain and never on `storage.models` (the import contract in `make lint` says
so). Entry points read their fields and pass them back to domain functions; they never query,
add, change or flush them: every change goes through the package that owns its rule.
"""

from storage.models import (
    AdminUser,
    AutoMessage,
    Booking,
    Candidate,
    CandidateStatusChange,
    City,
    MessageTemplate,
    Notification,
    Recruiter,
    Slot,
    Test,
    TestQuestion,
    Vacancy,
)

__all__ = [
    "AdminUser",
    "AutoMessage",
    "Booking",
    "Candidate",
    "CandidateStatusChange",
    "City",
    "MessageTemplate",
    "Notification",
    "Recruiter",
    "Slot",
    "Test",
    "TestQuestion",
    "Vacancy",
]
