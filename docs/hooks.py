"""MkDocs hook: pages kept beside their code (the benchmark's reports, the containers' reference in deploy/)
become pages of the site.

The docs link to them as `../benchmarks/…` so the links also work when the Markdown is read on a code host;
here those files are added under `repository/benchmarks/` and the links pointed there, so `--strict` still
checks every one of them (a renamed report fails the build).
"""

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY_PAGES = ("benchmarks/README.md", "benchmarks/results.md", "deploy/README.md")
PREFIX = "repository/"
# A Markdown link target into one of those files from a page at the top of docs/ (../benchmarks/…).
LINK = re.compile(r"\]\(\.\./(" + "|".join(re.escape(p) for p in REPOSITORY_PAGES) + r")([#)])")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path in REPOSITORY_PAGES:
        files.append(File.generated(config, PREFIX + path, abs_src_path=str(ROOT / path)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.startswith(PREFIX) or "/" in page.file.src_uri:
        return markdown  # only the top-level pages link there as ../<folder>/…
    return LINK.sub(rf"]({PREFIX}\1\2", markdown)
