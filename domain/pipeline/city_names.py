"""Which name of a city a reader sees: its name in their language, else its main name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from storage.dto import CityDTO


class NamedCity(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def names(self) -> Mapping[str, str]: ...


def city_name(city: NamedCity, locale: str) -> str:
    """The name of the city for a reader in `locale`: its own name there, else its main name."""
    return city.names.get(locale) or city.name


def city_names(cities: list[CityDTO], locale: str) -> dict[int, str]:
    """Each city's name for a reader in `locale`, by its id."""
    return {c.id: city_name(c, locale) for c in cities}
