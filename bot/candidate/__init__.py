"""The candidate's screens, each module a screen with the handlers for its buttons.

`journey` shows the screen for where the candidate is. The steps: `start`, `language`,
`city_list` (the screen) and `city` (choosing), `screening` (test 1), `picker` (recruiter, day,
time; keyboards in `picker_keyboards`) and `book` (the time taken), `booking` (the booking and
`/mybooking`) and `change_booking`, `attendance`, `waitlist`, `test2`; `fallback` last. Shared:
`texts` (a template in the candidate's language), `questions` (a test question's buttons).
"""
