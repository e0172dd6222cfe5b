"""A candidate's booked time from request to outcome.

Owns: booking, moving and cancelling (`booking`); what the recruiter does with a request
(`desk`); reminders (`reminders`); the waiting list (`waitlist`); expiry of unanswered
requests, attendance prompts and the daily digest (`jobs`); an interview's outcome
(`outcomes`); how a booking reads in a message, a card or an .ics file (`texts`, `card`,
`calendar_file`); the panel's and the API's list of bookings (`directory`).
"""
