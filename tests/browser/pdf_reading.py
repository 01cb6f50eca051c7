"""Reading the PDFs chromium prints (Skia's PDF writer), with the standard library only: the pages, the text
each page shows (through its fonts' ToUnicode maps) and the colours its drawings are filled and stroked with.
Enough to check a printed report without a PDF library; not a general PDF reader."""

import re
import zlib
from dataclasses import dataclass, field

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
REF = rb"(\d+) 0 R"


@dataclass
class PdfPage:
    text: str
    colours: set[str] = field(default_factory=set)  # "#rrggbb" of every rg/RG operator


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(number): body for number, body in OBJECT.findall(data)}


def _stream(body: bytes) -> bytes:
    found = STREAM.search(body)
    if found is None:
        return b""
    raw = found.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body[: found.start()] else raw


def _cmap(text: bytes) -> dict[int, str]:
    """A ToUnicode CMap: glyph code -> text (bfchar pairs and bfrange runs)."""
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _dict_refs(body: bytes, key: bytes, objects: dict[int, bytes]) -> dict[bytes, int]:
    """The name -> object references of an entry such as /Font << /F1 5 0 R >> (inline or referenced)."""
    found = re.search(rb"/" + key + rb"\s*(?:<<(.*?)>>|" + REF + rb")", body, re.S)
    if found is None:
        return {}
    inner = found.group(1) if found.group(1) is not None else objects.get(int(found.group(2)), b"")
    return {name: int(ref) for name, ref in re.findall(rb"/([\w.+-]+)\s+" + REF, inner)}


def _resources(page: bytes, objects: dict[int, bytes]) -> bytes:
    found = re.search(rb"/Resources\s+" + REF, page)
    return objects.get(int(found.group(1)), b"") if found else page


def _show(operand: bytes, mapping: dict[int, str]) -> str:
    text = []
    for hex_string in re.findall(rb"<([0-9A-Fa-f]*)>", operand):
        width = 4 if len(hex_string) % 4 == 0 and mapping and max(mapping) > 255 else 2
        for i in range(0, len(hex_string), width):
            text.append(mapping.get(int(hex_string[i : i + width], 16), ""))
    return "".join(text)


def _content_text(content: bytes, fonts: dict[bytes, dict[int, str]]) -> str:
    parts, mapping = [], {}
    token = re.compile(
        rb"/([\w.+-]+)\s+[\d.]+\s+Tf|(\[(?:[^\]]*)\])\s*TJ|(<[0-9A-Fa-f]*>)\s*Tj|\b(ET)\b", re.S
    )
    for font, array, string, end in token.findall(content):
        if font:
            mapping = fonts.get(font, {})
        elif array or string:
            parts.append(_show(array or string, mapping))
        elif end:
            parts.append("\n")
    return "".join(parts)


def _colours(content: bytes) -> set[str]:
    colours = set()
    for r, g, b in re.findall(rb"([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(?:rg|RG)\b", content):
        colours.add("#" + "".join(f"{round(float(v) * 255):02x}" for v in (r, g, b)))
    return colours


def read_pdf(data: bytes) -> list[PdfPage]:
    """The pages of a PDF in order, each with its text and drawing colours."""
    assert data.startswith(b"%PDF-"), data[:20]
    objects = _objects(data)
    catalog_pages = next(body for body in objects.values() if re.search(rb"/Type\s*/Pages\b", body))
    order = [
        int(ref) for ref in re.findall(REF, re.search(rb"/Kids\s*\[(.*?)\]", catalog_pages, re.S).group(1))
    ]
    pages = []
    for number in order:
        page = objects[number]
        resources = _resources(page, objects)
        fonts = {}
        for name, ref in _dict_refs(resources, b"Font", objects).items():
            font = objects.get(ref, b"")
            unicode = re.search(rb"/ToUnicode\s+" + REF, font)
            fonts[name] = _cmap(_stream(objects[int(unicode.group(1))])) if unicode else {}
        contents = re.search(rb"/Contents\s*(?:\[(.*?)\]|" + REF + rb")", page, re.S)
        refs = re.findall(REF, contents.group(1)) if contents.group(1) is not None else [contents.group(2)]
        content = b"\n".join(_stream(objects[int(ref)]) for ref in refs)
        # Drawings in form XObjects (Skia puts some there) count for the page too.
        for ref in _dict_refs(resources, b"XObject", objects).values():
            content += b"\n" + _stream(objects.get(ref, b""))
        pages.append(PdfPage(text=_content_text(content, fonts), colours=_colours(content)))
    return pages
