"""Everything the system says and when it may say it.

Owns: locale catalogs and message templates (`texts`); admins' template overrides and their
variables (`templates`, `template_samples`); the outbox messages go through (`outbox`);
quiet hours (`quiet_hours`); dates as a reader sees them (`dates`); auto-messages
(`auto_messages`).
"""
