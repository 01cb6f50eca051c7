"""Browser test helpers: sign in through a session cookie, find map shapes on the canvas, save screenshots."""

from pathlib import Path

from django.conf import settings
from django.test import Client

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def sign_in(page, live_server, user) -> None:
    """The browser gets the session of a signed-in `user` (the sign-in form itself has its own test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def wait_for_map(page) -> int:
    page.wait_for_selector("body[data-features-loaded]")
    loaded = page.get_attribute("body", "data-features-loaded")
    assert loaded != "error"
    return int(loaded)


def wait_for_reload(page, marker: str = "features-loaded") -> None:
    """Wait until the map (or list) has loaded again after an action."""
    page.evaluate(f"() => delete document.body.dataset['{_camel(marker)}']")


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part.title() for part in rest)


def map_point(page, lon: float, lat: float) -> tuple[float, float]:
    """Page coordinates of a place on the map, for clicking canvas shapes and drawing."""
    x, y = page.evaluate(
        "([lat, lon]) => { const p = window.participationMap.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )
    box = page.locator("#map").bounding_box()
    return box["x"] + x, box["y"] + y


def click_map(page, lon: float, lat: float) -> None:
    x, y = map_point(page, lon, lat)
    page.mouse.click(x, y)


def centre_map(page, lon: float, lat: float, zoom: int) -> None:
    page.evaluate(
        "([lat, lon, z]) => window.participationMap.setView([lat, lon], z, {animate: false})",
        [lat, lon, zoom],
    )


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
