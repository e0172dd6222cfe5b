"""Recruiters' slots and the times candidates may pick.

Owns: a slot may not overlap its recruiter's other slots in any city, start in the past or lie
beyond the booking horizon (`slots`); a series typed in one line and previewed first
(`series`); the notice and horizon a candidate books within (`picker.BookingRules`).
"""
