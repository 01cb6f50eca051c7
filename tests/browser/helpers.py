"""Browser test helpers: sign in through a session cookie, find map shapes, save screenshots, and measure
accessibility (axe-core findings, touch target sizes)."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Every test's pictures go into the ignored test-artifacts/: a test run never rewrites a tracked file. The
# documentation's pictures (docs/img/) are retaken on purpose from the demo by `make screenshots`.


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
    # The map's own container: the map page's #map, the correction page's #edit-map.
    return tuple(
        page.evaluate(
            "([lat, lon]) => { const map = window.participationMap;"
            " const p = map.latLngToContainerPoint([lat, lon]);"
            " const box = map.getContainer().getBoundingClientRect();"
            " return [box.left + p.x, box.top + p.y]; }",
            [lat, lon],
        )
    )


def click_map(page, lon: float, lat: float) -> None:
    x, y = map_point(page, lon, lat)
    page.mouse.click(x, y)


def centre_map(page, lon: float, lat: float, zoom: int) -> None:
    page.evaluate(
        "([lat, lon, z]) => window.participationMap.setView([lat, lon], z, {animate: false})",
        [lat, lon, zoom],
    )


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def serious_violations(page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def small_targets(page) -> list[str]:
    """Visible controls smaller than 44x44 CSS px (links inside running text are exempt, as in WCAG 2.5.8)."""
    return page.evaluate(
        """() => {
        const selector = 'button, [role=button], a, select, input:not([type=radio]):not([type=checkbox]),'
          + ' textarea, summary, label.choice, .leaflet-marker-icon';
        const small = [];
        for (const el of document.querySelectorAll(selector)) {
          if (el.closest('p, .leaflet-control-attribution')) continue;  // links in running text
          if (el.tagName === 'INPUT' && el.closest('label.choice')) continue;  // measured by its label
          const r = el.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) continue;
          const hit = document.elementFromPoint(
            Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1),
            Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1));
          if (!hit || !(el.contains(hit) || hit.contains(el))) continue;  // covered or scrolled away
          if (r.width < 43.5 || r.height < 43.5) {
            small.push(`${el.tagName}.${el.className} "${(el.textContent || '').trim().slice(0, 30)}"`
              + ` ${Math.round(r.width)}x${Math.round(r.height)}`);
          }
        }
        return small;
      }"""
    )


def tab_to(page, selector: str, limit: int = 80, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus, as a keyboard user
    would; fails naming where the focus got stuck."""
    for _n in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    stuck = page.evaluate("() => (document.activeElement?.outerHTML || '').slice(0, 120)")
    raise AssertionError(f"Tab never reached {selector}; focus is on {stuck}")
