"""The consent's states, as `candidates.consent` holds them (None: never asked)."""

AGREED = "agreed"
DECLINED = "declined"
# Collected before the consent step existed (set by migration 0018): NOT an agreement. The bot
# asks at the next contact; Agree records an agreement, Decline erases as a withdrawal does.
PRIOR = "prior"
STATES = (AGREED, DECLINED, PRIOR)
