"""What the OpenAPI document promises is what the server accepts: a field outside it is a 422
naming the field, never a 500 (issue 14.19)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from admin.api import OPERATIONS
from admin.api.openapi import document
from admin.schemas.common import NOT_BLANK
from tests.admin.conftest import bearer
from tests.conftest import Storage

Api = tuple[TestClient, Storage, dict[str, str]]


async def _recruiter_and_city(client: TestClient, token: str) -> tuple[int, int]:
    listed = await (await client.get("/api/v1/recruiters", headers=bearer(token))).json()
    recruiter = listed["items"][0]
    return recruiter["id"], recruiter["city_ids"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "A" * 300}, "timezone"),  # was a 500: looked up as a file name
        ({"timezone": ""}, "timezone"),
        ({"timezone": "Europe/Nowhere"}, "timezone"),
        ({"name": "   "}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
    ],
)
async def test_a_recruiter_change_outside_the_document_is_a_422_on_its_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    client, _, tokens = api
    recruiter_id, city_id = await _recruiter_and_city(client, tokens["boss"])
    body = {"name": "Anna", "timezone": "Europe/Moscow", "city_ids": [city_id], **change}
    response = await client.put(
        f"/api/v1/recruiters/{recruiter_id}", json=body, headers=bearer(tokens["boss"])
    )
    assert response.status == 422, await response.text()
    assert (await response.json())["field"] == field


async def test_a_whole_float_is_read_as_the_integer_the_document_allows(api: Api) -> None:
    client, _, tokens = api
    recruiter_id, city_id = await _recruiter_and_city(client, tokens["boss"])
    body = {"name": " Anna ", "timezone": "Europe/Moscow", "city_ids": [float(city_id)]}
    response = await client.put(
        f"/api/v1/recruiters/{recruiter_id}", json=body, headers=bearer(tokens["boss"])
    )
    assert response.status == 200, await response.text()
    assert (await response.json())["name"] == "Anna"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/candidates?created_to=1215-10-23", "created_to"),
        ("/api/v1/bookings?starts_from=0061-01-22T14%3A10%3A14Z", "starts_from"),
        ("/api/v1/slots", "recruiter_id"),
    ],
)
async def test_query_values_outside_the_document_are_a_422(api: Api, path: str, field: str) -> None:
    client, _, tokens = api
    response = await client.get(path, headers=bearer(tokens["boss"]))
    assert response.status == 422, await response.text()
    assert (await response.json())["field"] == field


def test_the_document_says_what_the_server_checks() -> None:
    spec = document(OPERATIONS)
    schemas = spec["components"]["schemas"]
    recruiter = schemas["RecruiterIn"]["properties"]
    assert "Europe/Moscow" in recruiter["timezone"]["enum"]
    assert "" not in recruiter["timezone"]["enum"]
    assert recruiter["name"]["pattern"] == NOT_BLANK and recruiter["name"]["maxLength"] == 200
    assert schemas["CityIn"]["properties"]["name"]["maxLength"] == 120  # the column's length
    slots = {p["name"]: p for p in spec["paths"]["/api/v1/slots"]["get"]["parameters"]}
    assert slots["recruiter_id"]["required"] is True
    candidates = spec["paths"]["/api/v1/candidates"]["get"]["parameters"]
    created_to = next(p for p in candidates if p["name"] == "created_to")["schema"]
    assert "(19[0-9]{2}|2[0-9]{3})" in str(created_to)
    series = schemas["SeriesIn"]["properties"]["start"]
    assert "format" not in series  # "time" would allow an offset, which the server refuses


async def test_a_request_too_long_to_read_is_a_documented_400(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    """aiohttp refuses a request line over 8 KB before any handler; the document says so for
    every operation (schemathesis found the 400 undocumented)."""
    client, _, tokens = api
    response = await client.get(
        "/api/v1/cities?limit=" + "9" * 9000, headers=bearer(tokens["boss"])
    )
    assert response.status == 400
    operations = [op for path in document(OPERATIONS)["paths"].values() for op in path.values()]
    assert operations and all("400" in op["responses"] for op in operations)
