"""The Content-Security-Policy blocks nothing the site itself does: chromium reports no violation on the main
pages (their scripts, styles, workers and maps run), the admin's Leaflet widget included. A control shows
that an injected inline script is blocked and reported, so silence means something."""

import pytest
from django.core.management import call_command

from participation.models import ModerationState, Project, StaffRole, Suggestion
from tests.browser.helpers import sign_in, wait_for_map
from tests.factories import ProjectRoleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script (Playwright injects it outside the page's CSP) and keeps every report.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${where}`);
});
"""


@pytest.fixture
def demo(db):
    call_command("load_demo", "--no-accounts")
    project = Project.objects.get(slug="karlsruhe-ebikes")
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    for role in (StaffRole.MODERATOR, StaffRole.PLANNER):
        ProjectRoleFactory(project=project, user=staff, role=role)
    return project, staff


def violations(page) -> list[str]:
    reported = page.evaluate("() => window.__csp")
    console = [text for text in page.js_errors if "Content Security Policy" in text]
    return reported + console


def visit(page, url: str, ready: str | None = None) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if ready:
        page.wait_for_selector(ready, state="attached")
    return violations(page)


def test_the_main_pages_run_without_a_csp_violation(live_server, page, demo):
    project, staff = demo
    page.add_init_script(LISTEN)
    published = Suggestion.objects.filter(project=project, moderation_state=ModerationState.PUBLISHED)
    suggestion = published.first()
    base = f"{live_server.url}/projects/{project.slug}"

    page.goto(f"{base}/")
    wait_for_map(page)
    assert violations(page) == [], "map"
    anonymous = {
        "detail": (f"{base}/suggestions/{suggestion.pk}/", "main"),
        "survey": (f"{base}/surveys/ebikes-energie/", "form"),
        "sign-in": (f"{live_server.url}/accounts/login/", "form"),
        "ogcapi": (f"{live_server.url}/ogcapi/collections/{project.slug}-points/items?f=html", "table"),
        "api docs": (f"{live_server.url}/api/docs/", ".swagger-ui .info"),
    }
    for name, (url, ready) in anonymous.items():
        assert visit(page, url, ready) == [], name

    sign_in(page, live_server, staff)
    staff_pages = {
        "account": (f"{live_server.url}/account/", "main"),
        "moderation": (f"{base}/moderation/", "main"),
        "dashboard": (f"{base}/dashboard/", "main"),
        "export": (f"{base}/planning/export/", "#export-map .leaflet-overlay-pane path"),
        "results": (f"{base}/surveys/ebikes-energie/results/", "main"),
        "admin project with its map": (
            f"{live_server.url}/admin/participation/project/{project.pk}/change/",
            ".leaflet-container .leaflet-overlay-pane path",
        ),
        "admin suggestion with its map": (
            f"{live_server.url}/admin/participation/suggestion/{suggestion.pk}/change/",
            ".leaflet-container .leaflet-marker-pane *, .leaflet-container .leaflet-overlay-pane path",
        ),
    }
    for name, (url, ready) in staff_pages.items():
        assert visit(page, url, ready) == [], name
    # Script errors would mean something was half-blocked; the admin's pages ask for /favicon.ico (a 404).
    assert [e for e in page.js_errors if "Failed to load resource" not in e] == []


def test_an_injected_inline_script_is_blocked_and_reported(live_server, page, demo):
    project, _staff = demo
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/projects/{project.slug}/")
    wait_for_map(page)

    ran = page.evaluate(
        """() => new Promise((resolve) => {
          const script = document.createElement('script');
          script.textContent = 'window.__injected = true';
          document.head.append(script);
          setTimeout(() => resolve(window.__injected === true), 200);
        })"""
    )

    assert ran is False
    assert any(v.startswith("script-src") for v in page.evaluate("() => window.__csp"))


def test_the_permissions_policy_names_only_features_the_browser_knows(live_server, page, demo):
    """An unknown feature in Permissions-Policy costs every page a console error ("Unrecognized feature") that
    hides real ones."""
    project, _staff = demo
    said: list[str] = []
    page.on("console", lambda message: said.append(f"{message.type}: {message.text}"))

    page.goto(f"{live_server.url}/projects/{project.slug}/")
    wait_for_map(page)

    assert [text for text in said if "Permissions-Policy" in text] == []
