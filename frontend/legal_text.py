"""Plain text from the admin as safe HTML: paragraphs, "## " headings, "- " lists, links to addresses.

Administrators write legal pages in the admin; nothing they type is HTML. Every line is escaped first
(Django's `urlize` with autoescape escapes the text around the links it makes), so `<script>` in the admin
shows as text. Only the few tags made here reach the page.
"""

from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines, slugify


def _line(text: str) -> SafeString:
    # urlize(autoescape=True) escapes everything that is not a link it builds itself.
    return mark_safe(urlize(text, nofollow=True, autoescape=True))  # noqa: S308


def _block(lines: list[str]) -> SafeString:
    first = lines[0]
    if len(lines) == 1 and first.startswith("## "):
        heading = first[3:].strip()
        return format_html('<h2 id="{}">{}</h2>', slugify(heading), _line(heading))
    if all(line.startswith("- ") for line in lines):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((_line(x[2:]),) for x in lines))
        )
    if first.startswith("## "):  # a heading directly followed by its text, without an empty line between
        return _block([first]) + _block(lines[1:])
    return format_html("<p>{}</p>", mark_safe("<br>".join(_line(line) for line in lines)))  # noqa: S308


def legal_text_html(text: str) -> SafeString:
    """The admin's text as escaped HTML blocks, in order."""
    blocks: list[list[str]] = [[]]
    for raw in normalize_newlines(text).split("\n"):
        line = raw.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return mark_safe("".join(_block(lines) for lines in blocks if lines))  # noqa: S308
