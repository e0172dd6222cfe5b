"""The rules of recruiting, one package per concept, called by the bot, the panel, the API and jobs.

- `scheduling`: recruiters' slots (one, a series, deleting) and which times a candidate may pick.
- `bookings`: booking, moving, approving and cancelling a time; reminders, the waiting list,
  the recruiter's card and the periodic work on requests (expiry, attendance, digest).
- `pipeline`: a candidate's way from the link to a decision: arrival, city, status changes,
  the journey stage, finding candidates.
- `screening`: test 1 and test 2, checking answers, editing questions.
- `messaging`: texts and templates, the outbox, quiet hours, dates as people read them,
  auto-messages.
- `organisation`: cities, recruiters, invites, panel accounts and API tokens.
- `reporting`: the dashboard's figures.

Nothing here touches SQL: the packages speak to `storage` through its Unit of Work and
repositories, and below that only `core`.
"""
