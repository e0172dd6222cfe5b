"""Who works here and where.

Owns: cities and recruiters (`places`); linking a recruiter's chat by invite (`invites`);
panel accounts and their passwords (`accounts`, `account_admin`); API tokens (`api_tokens`).
"""
