"""Vacancies: the jobs a team hires for, and candidates' applications to them.

Owns: reading vacancies and which are open in a city (`catalog`); the deep links that lead to
one, with a source tag (`links`); applying, and moving between one's applications
(`applications`); creating and editing a vacancy, its own tests copied from the defaults
(`editing`). A candidate row is one application: its status, history, results and bookings
are that application's.
"""
