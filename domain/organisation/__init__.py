"""Who works here and where.

Owns: cities and recruiters (`places` changes them, `directory` reads them within an account's
scope); linking a recruiter's chat by invite (`invites`); panel accounts, their passwords and
signing in (`accounts`, `account_admin`); API tokens (`api_tokens`); reading the audit log
(`audit_log`).
"""
