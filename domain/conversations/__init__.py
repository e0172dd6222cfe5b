"""The conversation with a candidate: what they write that no flow was waiting for (kept,
acknowledged, relayed to who answers for them, unread until someone opens the thread), what
recruiters and accounts write back (through the outbox, under their name), private notes, tags,
and the thread both directions make. Who may read and answer a candidate is decided here."""
