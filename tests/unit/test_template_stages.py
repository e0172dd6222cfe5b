"""Every shipped message has a stage of the journey on the Templates page: a new template key
cannot slip into "other" unnoticed, and every stage has a title in both languages."""

from __future__ import annotations

from collections import Counter

from domain.messaging.template_stages import STAGE_OF, STAGES, group_by_stage, stage_of
from domain.messaging.templates import template_keys
from domain.messaging.texts import Catalog

CATALOG = Catalog.load("ru")


def test_every_shipped_key_has_its_stage() -> None:
    missing = [key for key in template_keys(CATALOG) if key not in STAGE_OF]
    assert missing == [], f"give these template keys a stage in template_stages.py: {missing}"


def test_the_map_names_only_shipped_keys_and_each_once() -> None:
    from domain.messaging import template_stages

    listed = [key for keys in template_stages._KEYS_BY_STAGE.values() for key in keys]
    assert [key for key, n in Counter(listed).items() if n > 1] == []
    assert sorted(set(listed) - set(template_keys(CATALOG))) == []
    assert set(template_stages._KEYS_BY_STAGE) == set(STAGES)


def test_every_stage_has_a_title_in_both_languages() -> None:
    for locale in ("en", "ru"):
        for stage in STAGES:
            assert CATALOG.ui[locale].get(f"panel.templates.stage.{stage}"), (locale, stage)


def test_groups_follow_the_journey() -> None:
    keys = ["final_hired", "reminder", "welcome", "agenda_today", "question", "test2_invite"]
    groups = group_by_stage(keys)
    assert [stage for stage, _ in groups] == [
        "start",
        "screening",
        "booking",
        "test2",
        "intro_day",
        "recruiter",
    ]
    assert stage_of("no_such_key_yet") == "other"
