"""The candidate's screens, each module a screen with the handlers for its buttons.

`journey` shows the screen for where the candidate is; the others are the steps: `start`,
`language`, `city_list` and `city`, `screening`, `picker` (recruiter, day, time) and `book`,
`booking` and `change_booking`, `attendance`, `waitlist`, `test2`; `fallback` last.
"""
