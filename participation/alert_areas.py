"""Ready-made areas for alerts that other apps offer, without participation knowing them.

geo keeps the districts of a project (a context layer) and must not be imported here (import contracts):
it registers, when it starts (geo/apps.py), a function that tells for which projects it has a page to pick
such an area, and where. participation's pages ask `area_picker_urls` to link there; the picked area comes
back through `services.alert_district_create`.
"""

from collections.abc import Callable, Sequence

from .models import Project

# projects -> {project id: address of the page that picks an area in that project}
AreaPicker = Callable[[Sequence[Project]], dict[int, str]]

_pickers: list[AreaPicker] = []


def area_picker_register(picker: AreaPicker) -> None:
    if picker not in _pickers:
        _pickers.append(picker)


def area_picker_urls(*, projects: Sequence[Project]) -> dict[int, str]:
    """{project id: picker page} for the given projects that have one (one query per registered app)."""
    found: dict[int, str] = {}
    if projects:
        for picker in _pickers:
            for project_id, url in picker(projects).items():
                found.setdefault(project_id, url)
    return found
