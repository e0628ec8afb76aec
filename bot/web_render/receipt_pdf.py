"""The printable receipt of a point-topic (回执, PT-05): one A5 page with the receipt number, the
village, the dates, the category, the text, the office that filed it and a QR code to follow it.

Drawn with the poster's embedded CJK font and vector QR code (see `poster`), one at a time.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bot.i18n import t_plain
from bot.services.topics.receipts import ReceiptCard
from bot.web_render.poster import FONT_NAME, LAYING_OUT, covered, font
from bot.web_render.poster_qr import QrCode

MARGIN = 12 * mm
QR_SIZE = 36 * mm


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text escaped for reportlab's mini-markup, glyphs the font lacks replaced."""
    return Paragraph(escape(covered(text)).replace("\n", "<br/>"), style)


def _story(card: ReceiptCard, language: str) -> list[Flowable]:
    def tr(key: str, /, **params: object) -> str:
        return t_plain(language, key, **params)

    base = ParagraphStyle("base", fontName=FONT_NAME, fontSize=11, leading=16, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1)
    number = ParagraphStyle("number", parent=base, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=13)
    due = tr("topics.receipt_pdf.due_value", due=card.due)
    if card.provisional:
        due += tr("topics.due_mark.provisional")
    facts = [
        ("village", card.village),
        ("filed", card.filed),
        ("due", due),
        ("category", card.category),
        ("office", card.office or tr("topics.receipt_pdf.self_filed")),
    ]
    width = A5[0] - 2 * MARGIN
    table = Table(
        [[_p(tr(f"topics.receipt_pdf.{k}"), base), _p(v, base)] for k, v in facts]
        + [[_p(tr("topics.receipt_pdf.text"), base), _p(card.text, base)]],
        colWidths=[width * 0.24, width * 0.76],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#777777")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
            ]
        )
    )
    follow = Table(
        [[QrCode(card.follow_url, QR_SIZE), _p(tr("topics.receipt_pdf.follow"), base)]],
        colWidths=[QR_SIZE + 4 * mm, width - QR_SIZE - 4 * mm],
    )
    follow.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [
        _p(tr("topics.receipt_pdf.title"), title),
        _p(card.receipt, number),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 5 * mm),
        follow,
        Spacer(1, 2 * mm),
        _p(card.follow_url, small),
    ]


def receipt_pdf(card: ReceiptCard, language: str) -> bytes:
    """The receipt as PDF bytes (pure work: run it in the worker pool)."""
    with LAYING_OUT:
        font()
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A5,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=card.receipt,
            creator="village-disclosure-bot",
            invariant=True,  # no timestamp or random id: the same receipt gives the same bytes
        )
        document.build(_story(card, language))
        return buffer.getvalue()
