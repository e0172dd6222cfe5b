"""The consent's states, as `candidates.consent` holds them (None: never asked)."""

AGREED = "agreed"
DECLINED = "declined"
