"""What a suggestion's page says after moderation, as people read it in the browser: a rejected one is "not
approved" (not "broke the rules", which only hidden ones did), its author reads the moderators' reason, and a
suggestion that others were merged into names their numbers. The API's 410 says the same."""

import pytest
from playwright.sync_api import expect

from participation.models import ModerationAction, ModerationEvent, ModerationState
from tests.browser.helpers import ARTIFACTS, sign_in
from tests.factories import SuggestionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS  # test-artifacts/screenshots, beside every browser test's
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
TEXTS = {
    "de": {
        "not_approved_title": "Vorschlag nicht freigegeben",
        "not_approved": "Dieser Vorschlag wurde von der Moderation nicht freigegeben.",
        "own_notice": (
            "Dieser Vorschlag wurde von der Moderation nicht freigegeben: Er wird niemand anderem gezeigt."
        ),
        "reason": "Begründung der Moderation:",
        "rules": "gegen die Beteiligungsregeln",
        "removed_title": "Vorschlag entfernt",
        "back": "Zurück zur Karte",
        "merged": "Nr. {} wurde mit diesem Vorschlag zusammengeführt",
    },
    "en": {
        "not_approved_title": "Suggestion not approved",
        "not_approved": "This suggestion was not approved by the moderators.",
        "own_notice": "This suggestion was not approved by the moderators: it is not shown to anyone else.",
        "reason": "Reason given by the moderators:",
        "rules": "broke the participation rules",
        "removed_title": "Suggestion removed",
        "back": "Back to the map",
        "merged": "No. {} was merged into this suggestion",
    },
}
REASON = "Das gehört zum Radwegeprojekt, nicht zu den Ladestationen."


@pytest.fixture
def visitor(new_page):
    def make(language: str, viewport: str = "desktop"):
        return new_page(viewport=VIEWPORTS[viewport], locale="de-DE" if language == "de" else "en-GB")

    return make


@pytest.fixture
def rejected(point_category, citizen):
    suggestion = SuggestionFactory(
        category=point_category, author=citizen, title="Ladestation am Radweg", moderation_state="pending"
    )
    ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        action=ModerationAction.REJECT,
        from_state=ModerationState.PENDING,
        to_state=ModerationState.REJECTED,
        reason=REASON,
    )
    suggestion.moderation_state = ModerationState.REJECTED
    suggestion.save(update_fields=["moderation_state"])
    return suggestion


def url(live_server, suggestion) -> str:
    return f"{live_server.url}/projects/{suggestion.project.slug}/suggestions/{suggestion.pk}/"


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", TEXTS)
def test_a_rejected_suggestion_is_not_approved_for_strangers(
    live_server, visitor, rejected, language, viewport
):
    texts = TEXTS[language]
    for who in ("anonymous", "other"):
        page = visitor(language, viewport)
        if who == "other":
            sign_in(page, live_server, UserFactory())
        response = page.goto(url(live_server, rejected))

        assert response.status == 410
        expect(page.get_by_role("heading", level=1)).to_have_text(texts["not_approved_title"])
        expect(page.locator("main")).to_contain_text(texts["not_approved"])
        expect(page.locator("main")).not_to_contain_text(texts["rules"])
        expect(page.locator("main")).not_to_contain_text(REASON)  # the reason is for its author only
        back = page.get_by_role("link", name=texts["back"])
        expect(back).to_have_attribute("href", "/projects/test-project/")  # the project's map, not "/"
        if who == "anonymous":
            shoot(page, f"rejected-stranger-{language}-{viewport}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", TEXTS)
def test_the_author_of_a_rejected_suggestion_reads_it_neutrally_with_the_reason(
    live_server, visitor, rejected, citizen, language, viewport
):
    texts = TEXTS[language]
    page = visitor(language, viewport)
    sign_in(page, live_server, citizen)
    page.goto(url(live_server, rejected))

    notice = page.locator("#rejected-notice")
    expect(notice).to_contain_text(texts["own_notice"])
    expect(notice).to_contain_text(texts["reason"])
    expect(notice).to_contain_text(REASON)
    expect(page.locator("main")).not_to_contain_text(texts["rules"])
    shoot(page, f"rejected-author-{language}-{viewport}")


@pytest.mark.parametrize("language", TEXTS)
def test_a_hidden_suggestion_still_says_it_broke_the_rules(live_server, visitor, point_category, language):
    hidden = SuggestionFactory(category=point_category, moderation_state=ModerationState.HIDDEN)
    page = visitor(language)

    response = page.goto(url(live_server, hidden))

    assert response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXTS[language]["removed_title"])
    expect(page.locator("main")).to_contain_text(TEXTS[language]["rules"])


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", TEXTS)
def test_the_merge_target_names_each_suggestion_merged_into_it(
    live_server, visitor, point_category, language, viewport
):
    target = SuggestionFactory(category=point_category, title="Ladestation am Marktplatz")
    merged = [
        SuggestionFactory(
            category=point_category, moderation_state=ModerationState.MERGED, merged_into=target, title=title
        )
        for title in ("Laden am Markt", "Noch eine am Markt")
    ]
    page = visitor(language, viewport)

    page.goto(url(live_server, merged[0]))  # the merged one's own address leads to its target

    assert page.url == url(live_server, target)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ladestation am Marktplatz")
    notes = page.locator("#merged-here p")
    expect(notes).to_have_count(2)
    for note, one in zip(notes.all(), merged, strict=True):
        expect(note).to_contain_text(TEXTS[language]["merged"].format(one.pk))
    shoot(page, f"merge-target-{language}-{viewport}")


@pytest.mark.parametrize("language", TEXTS)
def test_the_api_says_not_approved_for_rejected_and_rules_for_hidden(
    live_server, visitor, rejected, point_category, language
):
    hidden = SuggestionFactory(category=point_category, moderation_state=ModerationState.HIDDEN)
    page = visitor(language)
    headers = {"Accept-Language": language}

    for_rejected = page.request.get(f"{live_server.url}/api/v1/suggestions/{rejected.pk}/", headers=headers)
    for_hidden = page.request.get(f"{live_server.url}/api/v1/suggestions/{hidden.pk}/", headers=headers)

    assert for_rejected.status == 410
    assert for_rejected.json()["code"] == "suggestion_rejected"
    assert for_rejected.json()["message"] == TEXTS[language]["not_approved"]
    assert for_hidden.status == 410
    assert for_hidden.json()["code"] == "suggestion_removed"
    assert TEXTS[language]["rules"] in for_hidden.json()["message"]
