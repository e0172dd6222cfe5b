"""Start-up's objects are set aside from the garbage collector's full passes (issue 15), what was
already garbage is collected first, and everything is given back at shutdown."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

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
