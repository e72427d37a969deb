"""The page permission harness: a model's tests declare its pages and get the matrix.

A test class subclasses `PagePermissionCases`, lists its `pages` and provides an `objects`
fixture (key → record whose pk a page takes). Each page then gets one test asserting:

- anonymous → redirect to the login page (GET, and POST for a write);
- each role in `denied` → 403 (GET, and POST for a write; a `post_only` page refuses any GET
  with 405 before it looks at the user), and a refused request writes nothing
  (`footprint` unchanged: audit entries and whatever counts a subclass adds);
- `other_unit` on a `scoped` page (a record of linqing's unit) → 404 (GET, and POST for a write);
- each of `readers` not denied a read page → 200; each of `writers` not denied a write page → 200
  on GET (405 where the page is `post_only`).

Every mismatch of a page is reported at once, each as (check, role, method, expected, got).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.test import Client
from django.urls import reverse

from zhaoshang.core.models import AuditEntry

NOBODY = ("sysadmin", "norole")


@dataclass(frozen=True)
class Page:
    """A page of one model: its URL name, which record it takes, and what it does."""

    name: str
    args: str = ""  # key in the `objects` fixture whose pk is the URL argument
    write: bool = False  # a POST changes data
    denied: tuple[str, ...] = NOBODY  # → 403
    scoped: bool = False  # a record of linqing's unit: `other_unit` gets 404
    post_only: bool = False  # GET answers 405 to a user who may write


class PagePermissionCases:
    """Subclass as `Test…`, set `pages`, and define an `objects` fixture in the module."""

    pages: ClassVar[Sequence[Page]] = ()
    readers: ClassVar[tuple[str, ...]] = ("linqing",)
    writers: ClassVar[tuple[str, ...]] = ()
    other_unit: ClassVar[str] = "dongchangfu"
    post_data: ClassVar[dict[str, Any]] = {"name": "x", "reason": "x"}

    def footprint(self) -> tuple:
        """What a refused write must leave unchanged; subclasses add their models' counts."""
        return (AuditEntry.objects.exclude(action__in=["login", "logout", "reveal"]).count(),)

    def pytest_generate_tests(self, metafunc):
        assert self.pages, f"{type(self).__name__} declares no pages"
        metafunc.parametrize("page", self.pages, ids=lambda p: p.name)

    def test_page_answers_each_role_as_declared(self, client: Client, users, objects, page: Page):
        path = reverse(page.name, args=[objects[page.args].pk] if page.args else [])
        methods = ("get", "post") if page.write else ("get",)
        wrong: list[tuple] = []

        def expect(check: str, who: str, method: str, status: int) -> Any:
            response = getattr(client, method)(path, self.post_data if method == "post" else {})
            if response.status_code != status:
                wrong.append((check, who, method, status, response.status_code))
            return response

        def refused_get(method: str) -> bool:
            return page.post_only and method == "get"

        client.logout()
        for method in methods:
            response = expect("anonymous", "anonymous", method, 302)
            if response.status_code == 302 and not response["Location"].startswith(
                "/accounts/login/"
            ):
                wrong.append(("anonymous", "anonymous", method, "login", response["Location"]))
        for who in page.denied:
            client.force_login(users[who])
            for method in methods:
                before = self.footprint()
                expect("denied", who, method, 405 if refused_get(method) else 403)
                if self.footprint() != before:
                    wrong.append(("denied writes nothing", who, method, before, self.footprint()))
        if page.scoped:
            client.force_login(users[self.other_unit])
            for method in methods:
                expect("other unit", self.other_unit, method, 405 if refused_get(method) else 404)
        for who in self.writers if page.write else self.readers:
            if who in page.denied:
                continue
            client.force_login(users[who])
            expect("opens", who, "get", 405 if page.post_only else 200)
        assert wrong == [], "\n".join(map(str, wrong))
