"""The printable A4 poster of a disclosure for the village's paper board (DESIGN §8).

Title, period, the table (its header repeated on every continued page), sign-offs, publication
date, the supervision phone number and QR codes to the web page and the village join link.

Chinese is drawn with a TrueType CJK font embedded in the PDF (reportlab cannot embed the CFF
outlines of Noto CJK): WenQuanYi Zen Hei from Debian's `fonts-wqy-zenhei`, which `make` installs.
Characters the font lacks are replaced before drawing, so no missing-glyph box is ever printed.
QR codes are drawn as vector squares, sharp at any print size.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bot.i18n import t_plain
from bot.services.disclosures.disclosure_pages import PublicDisclosure
from bot.services.disclosures.public_tables import Ledger
from bot.services.money import format_fen
from bot.web_render.poster_qr import QrCode

FONT_NAME = "VillageCJK"
FONT_CANDIDATES = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
)
MARGIN = 15 * mm
QR_SIZE = 34 * mm
GRID = colors.HexColor("#777777")
SHADE = colors.HexColor("#eeeeee")
Translate = Callable[..., str]  # a catalogue key and its terms, in the poster's language
When = Callable[..., str]  # a moment as people read it


class PosterUnavailable(RuntimeError):
    """No TrueType CJK font is installed (run `make`, which installs fonts-wqy-zenhei)."""


@dataclass(frozen=True, slots=True)
class PosterLinks:
    page_url: str
    join_url: str | None
    supervision_phone: str


@cache
def font() -> TTFont:
    """Register the CJK font once; PosterUnavailable when none is installed."""
    for path, index in FONT_CANDIDATES:
        if path.exists():
            face = TTFont(FONT_NAME, str(path), subfontIndex=index)
            pdfmetrics.registerFont(face)
            return face
    raise PosterUnavailable("no TrueType CJK font: install Debian's fonts-wqy-zenhei")


def covered(text: str) -> str:
    """The text with every character the font cannot draw replaced by a plain '?'."""
    glyphs = font().face.charToGlyph
    return "".join(c if ord(c) in glyphs or c in "\n\t" else "?" for c in text)


def missing_glyphs(text: str) -> set[str]:
    """Characters of `text` the poster font has no glyph for (tests use it)."""
    glyphs = font().face.charToGlyph
    return {c for c in text if ord(c) not in glyphs and c not in "\n\t"}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT_NAME, fontSize=11, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=27, spaceAfter=4),
        "meta": ParagraphStyle("meta", parent=base, fontSize=11.5, leading=17),
        "body": ParagraphStyle("body", parent=base, fontSize=12, leading=19, spaceBefore=6),
        "warn": ParagraphStyle(
            "warn", parent=base, fontSize=12, leading=18, textColor=colors.HexColor("#8a1c1c")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12.5),
        "cellr": ParagraphStyle("cellr", parent=base, fontSize=9.5, leading=12.5, alignment=2),
        "head": ParagraphStyle("head", parent=base, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
        "caption": ParagraphStyle(
            "caption", parent=base, fontSize=9.5, leading=13, alignment=TA_CENTER
        ),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped for reportlab's mini-markup, glyphs checked)."""
    return Paragraph(escape(covered(text)).replace("\n", "<br/>"), style)


def _ledger_table(d: PublicDisclosure, tr: Translate, s: dict) -> Table:
    ledger = d.ledger
    assert ledger is not None
    head = [
        tr("web.col.account"),
        tr("web.col.description"),
        tr("web.col.amount"),
        tr("web.col.ytd"),
    ]
    rows: list[list] = [[_p(h, s["head"]) for h in head]]
    shaded: list[int] = []

    def strong(label: str, fen: int) -> None:
        shaded.append(len(rows))
        rows.append([_p(label, s["cell"]), "", _p(format_fen(fen), s["cellr"]), ""])

    strong(tr("web.disc.opening"), ledger.opening_fen)
    for name, lines, total in (
        ("income", ledger.income, ledger.income_fen),
        ("expense", ledger.expense, ledger.expense_fen),
    ):
        shaded.append(len(rows))
        rows.append([_p(tr(f"web.disc.{name}"), s["cell"]), "", "", ""])
        for line in lines:
            rows.append(
                [
                    _p(line.account, s["cell"]),
                    _p(line.description, s["cell"]),
                    _p(format_fen(line.amount_fen), s["cellr"]),
                    _p("" if line.ytd_fen is None else format_fen(line.ytd_fen), s["cellr"]),
                ]
            )
        strong(tr(f"web.disc.{name}_total"), total)
    strong(tr("web.disc.closing"), ledger.closing_fen)
    width = A4[0] - 2 * MARGIN
    table = Table(
        rows, colWidths=[width * 0.3, width * 0.34, width * 0.18, width * 0.18], repeatRows=1
    )
    style = [("SPAN", (0, r), (1, r)) for r in shaded]
    style += [("BACKGROUND", (0, r), (-1, r), SHADE) for r in shaded]
    table.setStyle(TableStyle([*_grid(), *style]))
    return table


def _subsidy_table(d: PublicDisclosure, tr: Translate, s: dict) -> Table:
    subsidy = d.subsidy
    assert subsidy is not None
    keys = ("n", "group", "name", "item", "quantity", "standard", "subsidy_amount", "paid", "note")
    rows: list[list] = [[_p(tr(f"web.col.{k}"), s["head"]) for k in keys]]
    for b in subsidy.lines:
        rows.append(
            [
                _p(str(b.n), s["cellr"]),
                _p(b.group, s["cell"]),
                _p(b.name, s["cell"]),
                _p(b.item, s["cell"]),
                _p(b.quantity, s["cell"]),
                _p(b.standard, s["cell"]),
                _p(format_fen(b.amount_fen), s["cellr"]),
                _p(b.paid, s["cell"]),
                _p(b.note, s["cell"]),
            ]
        )
    total_row = len(rows)
    rows.append(
        [
            _p(tr("web.disc.subsidy_total", count=len(subsidy.lines)), s["cell"]),
            "",
            "",
            "",
            "",
            "",
            _p(format_fen(subsidy.total_fen), s["cellr"]),
            "",
            "",
        ]
    )
    width = A4[0] - 2 * MARGIN
    shares = (0.05, 0.09, 0.09, 0.17, 0.08, 0.12, 0.11, 0.17, 0.12)
    table = Table(rows, colWidths=[width * x for x in shares], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *_grid(),
                ("SPAN", (0, total_row), (5, total_row)),
                ("BACKGROUND", (0, total_row), (-1, total_row), SHADE),
            ]
        )
    )
    return table


def _grid() -> list[tuple]:
    return [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]


def _header(d: PublicDisclosure, links: PosterLinks, tr: Translate, when: When, s: dict) -> Table:
    """Title, period, village and publication time beside the QR code of the page."""
    header_text = [
        _p(f"{d.village_name} {d.title}", s["title"]),
        _p(tr("web.poster.period", period=d.period), s["meta"]),
        _p(
            tr(
                "web.poster.village", village=d.village_name, category=d.category, version=d.version
            ),
            s["meta"],
        ),
        _p(tr("web.poster.published", at=when(d.published_at)), s["meta"]),
    ]
    if links.supervision_phone:
        header_text.append(
            _p(tr("web.poster.supervision_phone", phone=links.supervision_phone), s["meta"])
        )
    width = A4[0] - 2 * MARGIN
    page_qr = [QrCode(links.page_url, QR_SIZE), _p(tr("web.poster.qr_page"), s["caption"])]
    header = Table([[header_text, page_qr]], colWidths=[width - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm])
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return header


def _balance_check(ledger: Ledger, tr: Translate) -> str:
    """The ledger's arithmetic spelled out, and whether the stated closing balance agrees."""
    check = tr(
        "web.disc.balance_formula",
        opening=format_fen(ledger.opening_fen),
        income=format_fen(ledger.income_fen),
        expense=format_fen(ledger.expense_fen),
        computed=format_fen(ledger.computed_closing_fen),
    )
    if ledger.balanced:
        return check + tr("web.disc.balanced")
    return check + tr(
        "web.disc.unbalanced",
        closing=format_fen(ledger.closing_fen),
        difference=format_fen(ledger.difference_fen, sign=True),
    )


def _content(d: PublicDisclosure, tr: Translate, s: dict) -> list[Flowable]:
    """The notice text, the ledger or subsidy table, and the attachments' names."""
    story: list[Flowable] = []
    if d.superseded:
        story.append(_p(tr("web.poster.superseded", id=d.newest_id), s["warn"]))
    if d.body:
        story.append(_p(d.body, s["body"]))
    story.append(Spacer(1, 3 * mm))
    if d.ledger is not None:
        story.append(_ledger_table(d, tr, s))
        story.append(_p(_balance_check(d.ledger, tr), s["body"]))
    if d.subsidy is not None:
        story.append(_p(tr("web.poster.names_masked"), s["small"]))
        story.append(Spacer(1, 2 * mm))
        story.append(_subsidy_table(d, tr, s))
    if d.attachments:
        story.append(
            _p(tr("web.disc.attachments_heading") + "：" + "、".join(d.attachments), s["body"])
        )
    return story


def _closing(
    d: PublicDisclosure, links: PosterLinks, tr: Translate, when: When, s: dict
) -> KeepTogether:
    """Sign-offs, the filing record, the supervision phone and the QR codes, kept together."""
    names = tr("web.disc.name_separator").join(
        f"{sig.name}（{when(sig.at)}）" for sig in d.signatures
    )
    closing: list[Flowable] = [Spacer(1, 4 * mm)]
    closing.append(
        _p(
            tr("web.poster.signoffs", names=names) if names else tr("web.poster.no_signoffs"),
            s["body"],
        )
    )
    if d.filing is not None:
        closing.append(_p(tr("web.poster.drafted", name=d.filing.drafted_by), s["meta"]))
        closing.append(_p(tr("web.poster.checksum", checksum=d.filing.checksum), s["small"]))
    closing.append(_p(tr("web.poster.published", at=when(d.published_at)), s["meta"]))
    if links.supervision_phone:
        closing.append(
            _p(tr("web.poster.supervision_phone", phone=links.supervision_phone), s["body"])
        )
    codes = [[QrCode(links.page_url, QR_SIZE), _p(tr("web.poster.qr_page"), s["caption"])]]
    if links.join_url:
        codes.append([QrCode(links.join_url, QR_SIZE), _p(tr("web.poster.qr_join"), s["caption"])])
    qr_table = Table([codes], colWidths=[QR_SIZE + 20 * mm] * len(codes), hAlign="LEFT")
    qr_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    closing += [Spacer(1, 3 * mm), qr_table]
    return KeepTogether(closing)


def _render(story: list[Flowable], d: PublicDisclosure, tr: Translate) -> bytes:
    """Lay the story out on A4 pages with a page number (and the title after the first)."""
    title = f"{d.village_name} {d.title}"
    footer_title = covered(title)

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT_NAME, 9)
        canvas.setFillColor(colors.HexColor("#333333"))
        text = tr("web.poster.page", page=doc.page)
        if doc.page > 1:
            text = f"{footer_title} {tr('web.poster.continued')} · {text}"
        canvas.drawCentredString(A4[0] / 2, 8 * mm, covered(text))
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=covered(title),
        author=covered(d.village_name),
        subject=covered(d.period),
        creator="village-disclosure-bot",
        invariant=True,  # no timestamp or random id: the same content gives the same bytes
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


# reportlab's font registry and a TrueType font's subsets are shared: one poster at a time.
LAYING_OUT = threading.Lock()


def poster_pdf(d: PublicDisclosure, links: PosterLinks, *, language: str, when: When) -> bytes:
    """The poster as PDF bytes; PosterUnavailable without a CJK font."""
    with LAYING_OUT:
        return _poster(d, links, language, when)


def _poster(d: PublicDisclosure, links: PosterLinks, language: str, when: When) -> bytes:
    font()
    s = _styles()

    def tr(key: str, /, **params: object) -> str:
        return t_plain(language, key, **params)

    story: list[Flowable] = [_header(d, links, tr, when, s), Spacer(1, 3 * mm)]
    story += _content(d, tr, s)
    story.append(_closing(d, links, tr, when, s))
    return _render(story, d, tr)
