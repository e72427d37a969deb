"""The navigation: its text at WCAG AA contrast, computed from the colours the style sheet
really uses, and the current page marked (``aria-current="page"``) on exactly one item."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from zhaoshang.portal.context_processors import current_url

CSS = Path(settings.BASE_DIR) / "zhaoshang" / "static" / "css" / "zhaoshang.css"
NAVBAR = Path(settings.BASE_DIR) / "zhaoshang" / "templates" / "partials" / "navbar.html"


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an opaque #rrggbb colour."""
    h = hex_colour.lstrip("#")
    assert re.fullmatch(r"[0-9a-fA-F]{6}", h), f"not an opaque #rrggbb colour: {hex_colour}"

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rule(css: str, selector: str) -> dict[str, str]:
    """The declarations of the rule whose selector is exactly ``selector``."""
    match = re.search(r"(?:^|})\s*" + re.escape(selector) + r"\s*\{([^}]*)\}", css, re.M)
    assert match, f"no rule {selector}"
    declarations = (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
    return {name.strip(): value.strip() for name, value in declarations}


def resolve(value: str, properties: dict[str, str]) -> str:
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return properties[match.group(1)] if match else value


def test_the_wcag_formula_gives_the_known_ratios():
    assert round(contrast("#ffffff", "#000000"), 2) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
    # the old navigation: Bootstrap's 55 % white (#92befe once blended) on #0d6efd
    assert round(contrast("#92befe", "#0d6efd"), 2) == 2.36


def test_navigation_text_has_at_least_aa_contrast_against_its_background():
    css = CSS.read_text(encoding="utf-8")
    root = rule(css, ":root")
    navbar = rule(css, ".zs-navbar")
    background = resolve(navbar["background-color"], root)
    texts = {
        name: resolve(navbar[name], root)
        for name in (
            "--bs-navbar-color",
            "--bs-navbar-hover-color",
            "--bs-navbar-active-color",
            "--bs-navbar-brand-color",
        )
    }
    ratios = {name: round(contrast(colour, background), 2) for name, colour in texts.items()}
    assert ratios == {
        "--bs-navbar-color": 5.58,
        "--bs-navbar-hover-color": 6.44,
        "--bs-navbar-active-color": 6.44,
        "--bs-navbar-brand-color": 6.44,
    }
    assert min(ratios.values()) >= 4.5
    # the navigation uses that rule and no Bootstrap background utility that would override it
    html = NAVBAR.read_text(encoding="utf-8")
    nav_tag = re.search(r"<nav [^>]*>", html).group(0)
    assert "zs-navbar" in nav_tag and "bg-" not in nav_tag


def test_the_longest_navigation_url_that_prefixes_the_path_is_current():
    urls = ["/", "/projects/", "/projects/funds/", "/projects/funds/verify/", "/goals/"]
    assert current_url("/projects/funds/verify/?page=2", urls) == "/projects/funds/verify/"
    assert current_url("/projects/funds/verify/", urls) == "/projects/funds/verify/"
    assert current_url("/projects/funds/12/", urls) == "/projects/funds/"
    assert current_url("/projects/7/", urls) == "/projects/"
    assert current_url("/goals/rankings/2024Q3/", urls) == "/goals/"
    assert current_url("/", urls) == "/"
    # the home page is a prefix of everything: it is current only on itself
    assert current_url("/notices/", urls) is None


def navigation(html: str) -> str:
    return re.search(r'<nav class="navbar[^>]*>.*?</nav>', html, re.S).group(0)


def current_items(nav: str) -> list[str]:
    return re.findall(r'<a class="nav-link active" aria-current="page"[^>]*>([^<]+)', nav)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "path", "current"),
    [
        ("city", "/", "首页"),
        ("city", "/projects/", "招商项目"),
        ("city", "/projects/funds/", "到位资金"),
        ("city", "/projects/funds/verify/", "资金核实"),
        ("city", "/goals/rankings/", "竞赛榜"),
        ("city", "/goals/", "驾驶舱"),
        ("leader", "/goals/leader/", "领导视图"),
    ],
)
def test_the_current_page_is_the_one_navigation_item_with_aria_current(
    client, users, who, path, current
):
    client.force_login(users[who])
    response = client.get(path)
    assert response.status_code == 200
    nav = navigation(response.content.decode())
    assert nav.count('aria-current="page"') == 1
    assert current_items(nav) == [current]


@pytest.mark.django_db
def test_a_page_outside_the_navigation_marks_no_item(client, users):
    client.force_login(users["city"])
    nav = navigation(client.get("/notices/").content.decode())
    assert "首页" in nav and 'aria-current="page"' not in nav
