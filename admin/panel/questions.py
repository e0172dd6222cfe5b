"""Questions: both tests with their questions as a tree (branch questions under the answer
that opens them), each test's settings, and a form to add or change a question. The same pages
edit the default tests (at /questions) and a vacancy's own (at /vacancies/{id}/questions)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from aiohttp import web

from admin.locale import current_locale
from admin.panel.kit import (
    PageHandler,
    admins_only,
    attempt,
    check,
    done,
    form_values,
    int_param,
    posted,
    render,
    text,
    uow,
)
from admin.panel.reasons import said
from admin.schemas.questions import (
    OPTIONS_FORMAT,
    QuestionIn,
    SettingsIn,
    option_label,
    question_values,
)
from admin.scope import Scope
from core.enums import QuestionKind, TestKind
from core.errors import NotFound
from core.result import Result
from domain.records import Test, TestQuestion
from domain.screening.questions import (
    TEST_DEFAULTS,
    find_question,
    load_tests,
    move_question,
    possible_parents,
    question_tree,
    save_question,
    save_test_settings,
    set_question_active,
)
from domain.vacancies.catalog import find_vacancy, title_in
from storage.uow import UnitOfWork


def _test_name(request: web.Request, kind: TestKind) -> str:
    return text(request, f"panel.questions.test.{kind.value}")


def _kind_names(request: web.Request) -> dict[str, str]:
    return {k.value: text(request, f"panel.questions.kind.{k.value}") for k in QuestionKind}


@dataclass(frozen=True)
class Tests:
    """Whose tests a page edits: the default ones, or a vacancy's own; and where they live."""

    vacancy_id: int | None
    base: str  # "/questions" or "/vacancies/<id>/questions"
    vacancy: str | None  # the vacancy's title


async def _tests_of(request: web.Request) -> Tests:
    if "vacancy_id" not in request.match_info:
        return Tests(None, "/questions", None)
    vacancy = await find_vacancy(uow(request), int_param(request, "vacancy_id"))
    if vacancy is None:
        raise web.HTTPNotFound()
    return Tests(
        vacancy.id, f"/vacancies/{vacancy.id}/questions", title_in(vacancy, current_locale())
    )


@dataclass(frozen=True)
class Row:
    """One question as the list shows it."""

    question: TestQuestion
    depth: int
    options: list[str]
    knockouts: list[str]
    branch: str | None  # "parent_key = value" for a branch question
    hidden: bool  # switched off, or under a switched-off question: never asked


def _kind(value: object) -> TestKind:
    try:
        return TestKind(str(value))
    except ValueError:
        raise web.HTTPNotFound() from None


def _option_summary(request: web.Request, option: dict[str, Any]) -> str:
    marks = [
        text(request, f"panel.questions.mark.{flag}")
        for flag in ("correct", "knockout")
        if option.get(flag)
    ]
    if option.get("score"):
        marks.append(text(request, "panel.questions.mark.score", score=option["score"]))
    shown = f"{option['value']}: {option_label(option, current_locale())}"
    return f"{shown} ({', '.join(marks)})" if marks else shown


def _rows(request: web.Request, questions: list[TestQuestion]) -> list[Row]:
    by_id = {q.id: q for q in questions}
    rows: list[Row] = []
    hidden_ids: set[int] = set()
    for question, depth in question_tree(questions):
        parent = by_id.get(question.parent_id) if question.parent_id else None
        hidden = not question.active or (parent is not None and parent.id in hidden_ids)
        if hidden:
            hidden_ids.add(question.id)
        rows.append(
            Row(
                question=question,
                depth=depth,
                options=[_option_summary(request, o) for o in question.options],
                knockouts=[
                    option_label(o, current_locale()) for o in question.options if o.get("knockout")
                ],
                branch=f"{parent.key} = {question.show_if_answer}" if parent else None,
                hidden=hidden,
            )
        )
    return rows


def _settings_values(kind: TestKind, test: Test | None) -> dict[str, Any]:
    if test is None:
        return dict(TEST_DEFAULTS[kind])
    return {name: getattr(test, name) for name in SettingsIn.model_fields}


async def _show_list(
    request: web.Request,
    scope: Scope,
    *,
    failed: TestKind | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    place = await _tests_of(request)
    tests = await load_tests(uow(request), place.vacancy_id)
    views = [
        {
            "kind": kind.value,
            "name": _test_name(request, kind),
            "test": test,
            "default_title": TEST_DEFAULTS[kind]["title"],  # said by the name shown above it
            "rows": _rows(request, list(test.questions) if test else []),
            "values": values
            if kind is failed and values is not None
            else _settings_values(kind, test),
            "errors": errors if kind is failed and errors else {},
        }
        for kind, test in tests.items()
    ]
    return await render(
        request,
        "questions.html",
        scope,
        status=status,
        tests=views,
        kinds=_kind_names(request),
        base=place.base,
        vacancy=place.vacancy,
    )


@admins_only
async def list_questions(request: web.Request, scope: Scope) -> web.Response:
    return await _show_list(request, scope)


@admins_only
async def save_settings(request: web.Request, scope: Scope) -> web.StreamResponse:
    kind = _kind(request.match_info["kind"])
    place = await _tests_of(request)
    parsed, errors, values = await posted(request, SettingsIn)
    errors = said(request, errors)
    if parsed is not None:
        await save_test_settings(
            uow(request),
            kind,
            parsed.model_dump(),
            actor=scope.actor,
            admin_user_id=scope.user_id,
            vacancy_id=place.vacancy_id,
        )
        notice = text(request, "panel.questions.settings_saved", test=_test_name(request, kind))
        await done(request, f"{place.base}#{kind.value}", notice)
    return await _show_list(request, scope, failed=kind, values=values, errors=errors, status=422)


async def _show_form(
    request: web.Request,
    scope: Scope,
    kind: TestKind,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    editing: TestQuestion | None = None,
    status: int = 200,
) -> web.Response:
    place = await _tests_of(request)
    test = (await load_tests(uow(request), place.vacancy_id))[kind]
    questions = list(test.questions) if test else []
    parents = possible_parents(questions, editing) if kind is TestKind.SCREENING else []
    return await render(
        request,
        "question_form.html",
        scope,
        status=status,
        kind=kind.value,
        test_name=_test_name(request, kind),
        knowledge=kind is TestKind.KNOWLEDGE,
        editing=editing,
        values=values,
        errors=errors or {},
        kinds=list(_kind_names(request).items()),
        parents=[(q.id, f"{q.key}: {q.prompt.get(current_locale()) or q.key}") for q in parents],
        answers=[(q.key, [str(o["value"]) for o in q.options]) for q in parents],
        options_format=OPTIONS_FORMAT,
        base=place.base,
        vacancy=place.vacancy,
    )


@admins_only
async def new_form(request: web.Request, scope: Scope) -> web.Response:
    kind = _kind(request.query.get("test"))
    first_kind = QuestionKind.SINGLE_CHOICE if kind is TestKind.KNOWLEDGE else QuestionKind.TEXT
    values = {"test": kind.value, "kind": first_kind.value, "active": True, "whole_number": True}
    return await _show_form(request, scope, kind, values=values)


async def _question(request: web.Request) -> tuple[Test, TestQuestion]:
    place = await _tests_of(request)
    found = await find_question(uow(request), int_param(request, "question_id"), place.vacancy_id)
    if found is None:
        raise web.HTTPNotFound()
    return found


@admins_only
async def edit_form(request: web.Request, scope: Scope) -> web.Response:
    test, question = await _question(request)
    values = question_values(test.kind, question)
    return await _show_form(request, scope, test.kind, values=values, editing=question)


@admins_only
async def save(request: web.Request, scope: Scope) -> web.StreamResponse:
    """Add a question (the form names its test) or change one (it stays in its test)."""
    editing: TestQuestion | None = None
    place = await _tests_of(request)
    form = await request.post()
    if "question_id" in request.match_info:
        test, editing = await _question(request)
        kind = test.kind
    else:
        kind = _kind(form.get("test"))
    values = {**form_values(QuestionIn, form), "test": kind.value}
    parsed, errors = check(QuestionIn, values)
    errors = said(request, errors)
    if parsed is not None:
        _, errors = await attempt(
            request,
            save_question(
                uow(request),
                kind,
                parsed.to_fields(),
                actor=scope.actor,
                admin_user_id=scope.user_id,
                question_id=editing.id if editing else None,
                vacancy_id=place.vacancy_id,
            ),
        )
        if not errors:
            notice = text(request, "panel.questions.saved", question=parsed.key)
            await done(request, f"{place.base}#{kind.value}", notice)
    return await _show_form(
        request, scope, kind, values=values, errors=errors, editing=editing, status=422
    )


async def _change(
    request: web.Request,
    change: Callable[[UnitOfWork, int, int | None], Awaitable[Result[TestQuestion, NotFound]]],
    notice: str,
) -> NoReturn:
    """Apply a change to the question in the path (one of the page's tests), then back to the
    list with the catalog's `notice` ({question} is the question's key)."""
    place = await _tests_of(request)
    question_id = int_param(request, "question_id")
    changed = await change(uow(request), question_id, place.vacancy_id)
    await done(request, place.base, text(request, notice, question=changed.unwrap().key))


@admins_only
async def move(request: web.Request, scope: Scope) -> web.StreamResponse:
    direction = (await request.post()).get("direction")
    if direction not in ("up", "down"):
        raise web.HTTPBadRequest(text=text(request, "panel.questions.move_how"))
    way: Literal["up", "down"] = "up" if direction == "up" else "down"
    await _change(
        request,
        lambda uow, question_id, vacancy_id: move_question(
            uow,
            question_id,
            way,
            actor=scope.actor,
            admin_user_id=scope.user_id,
            vacancy_id=vacancy_id,
        ),
        f"panel.questions.moved_{way}",
    )


def _switch(active: bool, notice: str) -> PageHandler:
    async def switch(request: web.Request, scope: Scope) -> web.StreamResponse:
        await _change(
            request,
            lambda uow, question_id, vacancy_id: set_question_active(
                uow,
                question_id,
                active,
                actor=scope.actor,
                admin_user_id=scope.user_id,
                vacancy_id=vacancy_id,
            ),
            notice,
        )

    return switch


deactivate = admins_only(_switch(False, "panel.questions.switched_off"))
activate = admins_only(_switch(True, "panel.questions.switched_on"))


def install(app: web.Application) -> None:
    # The default tests, and each vacancy's own with the same pages.
    for base in ("/questions", "/vacancies/{vacancy_id:\\d+}/questions"):
        app.router.add_get(base, list_questions)
        app.router.add_post(base, save)
        app.router.add_get(base + "/new", new_form)  # before {question_id}
        app.router.add_post(base + "/tests/{kind}", save_settings)
        app.router.add_get(base + "/{question_id}", edit_form)
        app.router.add_post(base + "/{question_id}", save)
        app.router.add_post(base + "/{question_id}/move", move)
        app.router.add_post(base + "/{question_id}/deactivate", deactivate)
        app.router.add_post(base + "/{question_id}/activate", activate)
