"""Start-up's objects are set aside from the garbage collector's full passes (issue 15), what was
already garbage is collected first, and everything is given back at shutdown."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

import core.long_lived as long_lived
from core.long_lived import release_long_lived, set_aside_if_serving, set_aside_long_lived


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture(autouse=True)
def _given_back() -> Iterator[None]:
    gc.unfreeze()  # whatever an earlier test left
    yield
    gc.unfreeze()


def test_set_aside_freezes_what_lives_and_collects_what_is_garbage() -> None:
    garbage = weakref.ref(_Node())  # unreachable already, but a cycle
    alive = _Node()
    set_aside_long_lived()
    assert garbage() is None  # collected, not kept for ever
    assert gc.get_freeze_count() > 1000  # the modules' objects, this test's `alive` among them
    assert not any(o is alive for o in gc.get_objects())  # no generation walks it now
    release_long_lived()
    assert gc.get_freeze_count() == 0
    assert any(o is alive for o in gc.get_objects())


def test_a_part_built_later_is_set_aside_only_while_serving() -> None:
    set_aside_if_serving()  # not serving: nothing frozen
    assert gc.get_freeze_count() == 0
    set_aside_long_lived()
    part = _Node()
    assert any(o is part for o in gc.get_objects())
    set_aside_if_serving()
    assert not any(o is part for o in gc.get_objects())
    release_long_lived()
    set_aside_if_serving()  # stopped: no longer serving
    assert gc.get_freeze_count() == 0


def test_everything_is_given_back_when_the_last_running_application_stops() -> None:
    set_aside_long_lived()  # one application
    set_aside_long_lived()  # and another in the same process
    release_long_lived()  # the first stops: the other still serves
    assert gc.get_freeze_count() > 0
    part = _Node()
    set_aside_if_serving()
    assert not any(o is part for o in gc.get_objects())
    release_long_lived()
    assert gc.get_freeze_count() == 0
    release_long_lived()  # one too many changes nothing
    set_aside_if_serving()
    assert gc.get_freeze_count() == 0


def test_only_the_first_set_aside_collects_every_generation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full pass over a test process's heap late in the suite costs seconds: after the first,
    a set-aside collects the young generations only; older garbage waits for the release."""
    monkeypatch.setattr(long_lived, "_collected_all", False)
    old = _Node()
    old_ref = weakref.ref(old)
    gc.collect()  # `old` now sits in the oldest generation
    del old  # garbage there: only a full pass finds it
    set_aside_long_lived()  # the process's first: a full pass
    assert old_ref() is None
    later = _Node()
    later_ref = weakref.ref(later)
    gc.collect()
    del later
    set_aside_long_lived()  # a later one: the young generations only
    assert later_ref() is not None  # set aside with the rest, until given back
    release_long_lived()
    release_long_lived()
    gc.collect()
    assert later_ref() is None
