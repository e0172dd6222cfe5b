"""Calendars: the events the product writes for people's own calendars (`events`, one per
booking, updated and cancelled with it; `links` to add one in Google or Outlook), the secret feeds
recruiters and admins subscribe to (`feeds`), and the busy times read from recruiters' own
calendars (`busy`)."""
