"""One press proves and sends: an anonymous visitor on a suggestion's page presses "support", "send
comment" or "send report" once, without ticking the anti-spam box first. The proof is solved on the way,
the page says what is happening, and the support, comment or report is stored."""

import base64
from pathlib import Path

import pytest
from playwright.sync_api import expect

from participation.models import Comment, Report, Support
from tests.browser.helpers import ARTIFACTS, sign_in
from tests.factories import CategoryFactory, CommentFactory, SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
TEXTS = {
    "de": {
        "support": "Diesen Vorschlag unterstützen",
        "supported": "Meine Unterstützung zurückziehen",
        "one": "1 Person unterstützt diesen Vorschlag.",
        "comment": "Ihr Kommentar",
        "send_comment": "Kommentar senden",
        "report": "Diesen Vorschlag melden",
        "reason": "Beleidigend",
        "send_report": "Meldung senden",
        "reported": "Danke. Die Moderation sieht sich Ihre Meldung an.",
    },
    "en": {
        "support": "Support this suggestion",
        "supported": "Withdraw my support",
        "one": "1 person supports this suggestion.",
        "comment": "Your comment",
        "send_comment": "Send comment",
        "report": "Report this suggestion",
        "reason": "Offensive",
        "send_report": "Send report",
        "reported": "Thank you. The moderators will look at your report.",
    },
}

SHOTS = ARTIFACTS  # test-artifacts/screenshots, beside every browser test's
PROGRESS = {
    "de": {"checking": "Spam-Schutz wird geprüft …", "sending": "Wird gesendet …"},
    "en": {"checking": "Running the anti-spam check …", "sending": "Sending …"},
}


@pytest.fixture
def suggestion(project):
    project.allow_anonymous = True
    project.save()
    category = CategoryFactory(project=project, key="charging-station", label_de="Ladestation")
    return SuggestionFactory(project=project, category=category, title="Ladestation Ostring")


@pytest.fixture
def visitor(new_page):
    def make(language: str, viewport: dict):
        return new_page(
            viewport=viewport, locale="de-DE" if language == "de" else "en-GB", has_touch=viewport is PHONE
        )

    return make


def page_url(live_server, suggestion) -> str:
    return f"{live_server.url}/projects/test-project/suggestions/{suggestion.pk}/"


def record_status(page, form: str) -> None:
    """Keep every text the form's live region says, across the page load that follows the send."""
    page.evaluate(
        """(form) => {
        const status = document.querySelector(`${form} [role=status]`);
        sessionStorage.setItem('said', '[]');
        new MutationObserver(() => {
          const said = JSON.parse(sessionStorage.getItem('said'));
          if (status.textContent) said.push(status.textContent);
          sessionStorage.setItem('said', JSON.stringify(said));
        }).observe(status, { childList: true, characterData: true, subtree: true });
      }""",
        form,
    )


def said(page) -> list[str]:
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('said'))")


def cdp_screenshot(page, path: Path) -> None:
    """A screenshot while the page waits for its form's answer (Playwright's own waits for the navigation)."""
    data = page.context.new_cdp_session(page).send("Page.captureScreenshot", {"format": "png"})["data"]
    path.write_bytes(base64.b64decode(data))


def proof_state(form) -> str | None:
    return form.locator("altcha-widget .altcha").get_attribute("data-state")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_one_press_supports(live_server, visitor, suggestion, language, viewport):
    texts = TEXTS[language]
    page = visitor(language, viewport)
    page.goto(page_url(live_server, suggestion))
    form = page.locator("#support-form")
    assert proof_state(form) != "verified"  # nobody ticked the box

    form.get_by_role("button", name=texts["support"]).click()

    expect(page.locator("#support-count")).to_have_text(texts["one"], timeout=20_000)
    expect(page.locator("#support-button")).to_have_text(texts["supported"])
    assert Support.objects.filter(suggestion=suggestion).count() == 1
    assert page.js_errors == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"support-done-{language}-{viewport['width']}.png"))


@pytest.mark.parametrize("language", ["de", "en"])
def test_one_press_comments(live_server, visitor, suggestion, language):
    """The comment form says that it sends, then the comment is on the page and counted."""
    texts = TEXTS[language]
    page = visitor(language, DESKTOP)
    page.goto(page_url(live_server, suggestion))
    record_status(page, "#comment-form")
    form = page.locator("#comment-form")
    form.get_by_label(texts["comment"]).fill("Gute Idee, bitte mit Überdachung.")

    form.get_by_role("button", name=texts["send_comment"]).click()

    expect(page.locator(".comment-list")).to_contain_text("Gute Idee, bitte mit Überdachung.", timeout=20_000)
    expect(page.locator("#comments-title")).to_contain_text("(1)")
    assert said(page)[-1] == PROGRESS[language]["sending"]
    assert list(Comment.objects.values_list("text", flat=True)) == ["Gute Idee, bitte mit Überdachung."]
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_one_press_replies(live_server, visitor, suggestion, language):
    reply = {
        "de": ("Antworten", "Ihre Antwort", "Antwort senden"),
        "en": ("Reply", "Your reply", "Send reply"),
    }
    summary, label, send = reply[language]
    CommentFactory(suggestion=suggestion, text="Wo genau?")
    page = visitor(language, DESKTOP)
    page.goto(page_url(live_server, suggestion))
    page.get_by_text(summary, exact=True).click()
    form = page.locator("details.reply form")
    form.get_by_label(label).fill("Am Ostring, vor der Bäckerei.")

    form.get_by_role("button", name=send).click()

    expect(page.locator(".comment-list--replies")).to_contain_text(
        "Am Ostring, vor der Bäckerei.", timeout=20_000
    )
    assert Comment.objects.filter(parent__isnull=False).count() == 1
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_one_press_reports(live_server, visitor, suggestion, language):
    texts = TEXTS[language]
    page = visitor(language, DESKTOP)
    page.goto(page_url(live_server, suggestion))
    page.get_by_text(texts["report"]).click()
    form = page.locator("#report form")
    form.get_by_label(texts["reason"]).check()

    form.get_by_role("button", name=texts["send_report"]).click()

    expect(page.locator(".messages")).to_contain_text(texts["reported"], timeout=20_000)
    assert Report.objects.filter(suggestion=suggestion).count() == 1
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_press_says_checking_then_sending(live_server, visitor, suggestion, language, viewport):
    """While the proof is solved and while the support is sent, the status line (a live region, read out by
    screen readers) says so; the requests are held back here so that each step can be looked at."""
    texts, progress = TEXTS[language], PROGRESS[language]
    page = visitor(language, viewport)
    held = []
    page.route("**/api/v1/altcha/challenge/**", lambda route: held.append(route))
    page.route(
        "**/support/",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.goto(page_url(live_server, suggestion))
    record_status(page, "#support-form")
    status = page.locator("#support-form").get_by_role("status")
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = f"support-progress-{language}-{viewport['width']}"

    page.get_by_role("button", name=texts["support"]).click()
    expect(status).to_have_text(progress["checking"])
    expect(page.locator("#support-form")).to_have_attribute("aria-busy", "true")
    page.screenshot(path=str(SHOTS / f"{name}-checking.png"))
    held.pop().continue_()  # the challenge: the proof is solved, then the support is sent and held
    for _ in range(200):  # up to 20 s for the proof
        if held:
            break
        page.wait_for_timeout(100)
    cdp_screenshot(page, SHOTS / f"{name}-sending.png")
    held.pop().continue_()

    expect(page.locator("#support-count")).to_have_text(texts["one"], timeout=20_000)
    assert said(page) == [progress["checking"], progress["sending"]]
    assert Support.objects.filter(suggestion=suggestion).count() == 1
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_failed_check_is_said_and_nothing_is_sent(live_server, visitor, suggestion, language):
    failed = {
        "de": "Der Spam-Schutz konnte nicht geprüft werden, deshalb wurde nichts gesendet.",
        "en": "The anti-spam check could not be completed, so nothing was sent.",
    }[language]
    page = visitor(language, DESKTOP)
    page.route("**/api/v1/altcha/challenge/**", lambda route: route.abort())
    page.goto(page_url(live_server, suggestion))

    page.get_by_role("button", name=TEXTS[language]["support"]).click()

    expect(page.locator("#support-form").get_by_role("status")).to_contain_text(failed, timeout=20_000)
    expect(page.locator("#support-form")).to_have_attribute("aria-busy", "false")
    assert not Support.objects.exists()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"support-failed-{language}-1366.png"))


@pytest.mark.parametrize("language", ["de", "en"])
def test_without_script_the_page_says_why_nothing_can_be_sent(live_server, browser, suggestion, language):
    """The proof-of-work needs script: without it the forms say so before and after a press."""
    note = {
        "de": "Der Spam-Schutz braucht JavaScript.",
        "en": "The anti-spam check needs JavaScript.",
    }[language]
    context = browser.new_context(java_script_enabled=False, locale="de-DE" if language == "de" else "en-GB")
    page = context.new_page()
    try:
        page.goto(page_url(live_server, suggestion))
        # (Playwright's text matching skips <noscript>: its paragraph is asked directly.)
        for form in ("#support-form", "#comment-form"):
            expect(page.locator(f"{form} noscript p")).to_be_visible()
            expect(page.locator(f"{form} noscript p")).to_contain_text(note)

        page.get_by_role("button", name=TEXTS[language]["support"]).click()

        expect(page.locator("#support noscript p")).to_contain_text(note)
        expect(page.locator("#support .field-error[role=alert]")).to_be_visible()
        assert not Support.objects.exists()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_empty_comment_is_said_where_the_form_is(live_server, browser, suggestion, citizen, viewport):
    """Sent empty, the page came back at its top, its message far below, out of view and without focus."""
    context = browser.new_context(viewport=viewport, locale="de-DE", has_touch=viewport is PHONE)
    page = context.new_page()
    sign_in(page, live_server, citizen)
    page.goto(f"{live_server.url}/projects/test-project/suggestions/{suggestion.pk}/")

    send = page.get_by_role("button", name="Kommentar senden")
    send.scroll_into_view_if_needed()
    send.click()

    said = page.locator("#comment-error")
    expect(said).to_have_text("Dieses Feld ist erforderlich.")
    expect(said).to_be_in_viewport()
    field = page.get_by_label("Ihr Kommentar")
    expect(field).to_be_focused()
    assert not Comment.objects.exists()
    context.close()
