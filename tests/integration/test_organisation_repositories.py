"""The queries behind the organisation's editors: accounts, API tokens, cities, recruiters and
their invites, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from core.enums import AdminRole
from storage.models import AdminUser, ApiToken, RecruiterInvite
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_recruiter


async def test_accounts_come_by_login_with_their_recruiters_name(storage: Storage) -> None:
    async with storage.uow() as uow:
        recruiter = await make_recruiter(uow, await make_city(uow), name="Anna")
        await uow.admin_users.add_many(
            [
                AdminUser(login="zoe", password_hash="-"),
                AdminUser(
                    login="anna",
                    password_hash="-",
                    role=AdminRole.RECRUITER,
                    recruiter_id=recruiter.id,
                ),
                AdminUser(login="boris", password_hash="-"),
            ]
        )
        await uow.commit()
    async with storage.uow() as uow:
        rows = await uow.admin_users.list_with_recruiter_names()
    assert [(user.login, name) for user, name in rows] == [
        ("anna", "Anna"),
        ("boris", None),
        ("zoe", None),
    ]


async def test_tokens_come_newest_first_with_their_owners_login(storage: Storage) -> None:
    async with storage.uow() as uow:
        anna, boris = await uow.admin_users.add_many(
            [
                AdminUser(login="anna", password_hash="-"),
                AdminUser(login="boris", password_hash="-"),
            ]
        )
        for owner, name in ((anna, "first"), (boris, "second"), (anna, "third")):
            await uow.api_tokens.add_many(
                [ApiToken(admin_user_id=owner.id, name=name, token_hash=name.ljust(64, "0"))]
            )
        await uow.commit()
    async with storage.uow() as uow:
        rows = await uow.api_tokens.list_with_owner_logins()
    assert [(token.name, login) for token, login in rows] == [
        ("third", "anna"),
        ("second", "boris"),
        ("first", "anna"),
    ]


async def test_a_city_is_found_by_its_name_in_any_case(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow, "Berlin")
        await make_city(uow, "Bern")
        await uow.commit()
    async with storage.uow() as uow:
        assert await uow.cities.id_by_name("Berlin") == city.id
        assert await uow.cities.id_by_name("berlin") == city.id
        assert await uow.cities.id_by_name("BERLIN") == city.id
        assert await uow.cities.id_by_name(" berlin ") == city.id  # spacing does not count
        assert await uow.cities.id_by_name("Paris") is None


async def test_only_the_existing_cities_of_a_list_are_returned(storage: Storage) -> None:
    async with storage.uow() as uow:
        first, _, third = [await make_city(uow) for _ in range(3)]
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.cities.get_many([third.id, first.id, 9999])
        assert sorted(c.id for c in found) == sorted([first.id, third.id])
        assert await uow.cities.get_many([]) == []


async def test_an_added_invite_is_found_by_its_hash(storage: Storage) -> None:
    async with storage.uow() as uow:
        recruiter = await make_recruiter(uow, await make_city(uow))
        uow.recruiters.add_invite(
            RecruiterInvite(
                recruiter_id=recruiter.id, token_hash="h" * 64, expires_at=NOW + timedelta(days=3)
            )
        )
        await uow.commit()
    async with storage.uow() as uow:
        invite = await uow.recruiters.get_invite("h" * 64)
        assert invite is not None and invite.recruiter_id == recruiter.id
        assert invite.expires_at == NOW + timedelta(days=3)


async def test_a_chat_freed_by_one_recruiter_can_be_taken_by_another_at_once(
    storage: Storage,
) -> None:
    """The chat moves to a recruiter with a smaller id, whose UPDATE the database would see
    first: it works only because the chat is freed before."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        taker = await make_recruiter(uow, city)
        holder = await make_recruiter(uow, city, telegram_chat_id=777)
        await uow.commit()
    async with storage.uow() as uow:
        await uow.recruiters.unlink_chat(9999)  # nobody: nothing happens
        found = await uow.recruiters.get(taker.id)  # loaded first: no query flushes for us
        assert found is not None
        await uow.recruiters.unlink_chat(holder.id)
        found.telegram_chat_id = 777
        await uow.commit()
    async with storage.uow() as uow:
        by_chat = await uow.recruiters.get_by_chat_id(777)
        assert by_chat is not None and by_chat.id == taker.id
        freed = await uow.recruiters.get(holder.id)
        assert freed is not None and freed.telegram_chat_id is None
