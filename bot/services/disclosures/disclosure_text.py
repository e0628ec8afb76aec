"""A disclosure as people read it in Telegram (HTML; every value escaped by the catalogue)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.local_time import local_time
from bot.i18n import Term, t
from bot.services.disclosures.preview_table import shown
from bot.services.masking import mask_name
from bot.services.money import format_fen
from storage.disclosure_filings import Filing
from storage.disclosure_rows import Row
from storage.disclosure_signoffs import Signoff
from storage.disclosures import Disclosure


def subsidy_name(row: Row, names_full: bool) -> str:
    """A beneficiary's name: in full only for verified residents and the office (DESIGN §6)."""
    name = row.data.get("head", "")
    return name if names_full else mask_name(name)


def header(language: str, d: Disclosure, village: str) -> str:
    return t(
        language,
        "disc.header",
        id=d.id,
        title=d.title,
        village=village,
        category=d.category,
        period=d.period,
        version=d.version,
        major=t(language, "disc.major_mark") if d.major else "",
    )


def lines(
    language: str,
    d: Disclosure,
    rows: list[Row],
    *,
    village: str,
    names_full: bool,
    tz: ZoneInfo,
    signoffs: list[Signoff] | None = None,
    filing: Filing | None = None,
    status: bool = False,
    cut: bool = False,
) -> list[str]:
    """Every line of a disclosure, ready for split_message; with `cut`, a long table shows only
    its first and last lines (a preview: the whole table goes as a file beside it)."""
    out = [header(language, d, village)]
    if status:
        out.append(t(language, "disc.status_line", status=Term(f"disc.status.{d.status}")))
    if d.status == "superseded" and d.superseded_by_id:
        out.append(t(language, "disc.superseded_by", id=d.superseded_by_id))
    if d.supersedes_id:
        out.append(t(language, "disc.corrects", id=d.supersedes_id))
    if d.body:
        out.append(t(language, "disc.body", body=d.body))
    if d.kind == "finance":
        out += finance_lines(language, d, rows, cut=cut)
    elif d.kind == "subsidy":
        out += subsidy_lines(language, rows, names_full, cut=cut)
    elif rows:  # a notice's rows are its attachments
        names = "、".join(r.data.get("name", "") for r in rows)
        out.append(t(language, "disc.attachments", count=len(rows), names=names))
    if d.changes:
        out.append(t(language, "disc.changes_header"))
        out += [change_line(language, c) for c in d.changes]
    if signoffs:
        names = "、".join(f"{s.name}（{local_time(s.at, tz)}）" for s in signoffs)
        out.append(t(language, "disc.signed_by", names=names))
    if d.published_at:
        out.append(t(language, "disc.published_at", at=local_time(d.published_at, tz)))
    if filing:
        out.append(t(language, "disc.filing", checksum=filing.checksum[:16]))
    return out


def _cut(language: str, rows: list[Row], cut: bool, line) -> list[str]:
    """Each row as a line, or with `cut` the first and last few and how many were left out."""
    first, left_out, last = shown(rows) if cut else (rows, 0, [])
    out = [line(r) for r in first]
    if left_out:
        out.append(t(language, "disc.rows_left_out", count=left_out))
    return out + [line(r) for r in last]


def finance_lines(language: str, d: Disclosure, rows: list[Row], *, cut: bool = False) -> list[str]:
    opening = d.opening_fen or 0
    closing = d.closing_fen or 0
    income = sum(r.amount_fen for r in rows if r.section == "income")
    expense = sum(r.amount_fen for r in rows if r.section == "expense")
    out = [t(language, "disc.opening", amount=format_fen(opening))]
    for section, total in (("income", income), ("expense", expense)):
        out.append(t(language, f"disc.{section}_header", total=format_fen(total)))
        section_rows = [r for r in rows if r.section == section]
        out += _cut(language, section_rows, cut, lambda r: ledger_line(language, r))
    out.append(t(language, "disc.closing", amount=format_fen(closing)))
    difference = closing - (opening + income - expense)
    if difference:
        out.append(
            t(
                language,
                "disc.unbalanced",
                computed=format_fen(opening + income - expense),
                difference=format_fen(difference, sign=True),
            )
        )
    else:
        out.append(t(language, "disc.balanced"))
    return out


def ledger_line(language: str, r: Row) -> str:
    ytd = "" if r.ytd_fen is None else t(language, "disc.ytd", amount=format_fen(r.ytd_fen))
    return t(
        language,
        "disc.ledger_line",
        account=r.data.get("account", ""),
        description=r.data.get("description", "") or "",
        amount=format_fen(r.amount_fen),
        ytd=ytd,
    )


def subsidy_lines(
    language: str, rows: list[Row], names_full: bool, *, cut: bool = False
) -> list[str]:
    total = sum(r.amount_fen for r in rows)
    out = [t(language, "disc.subsidy_header", count=len(rows), total=format_fen(total))]
    return out + _cut(language, rows, cut, lambda r: subsidy_line(language, r, names_full))


def subsidy_line(language: str, r: Row, names_full: bool) -> str:
    details = " ".join(
        v for v in (r.data.get("quantity"), r.data.get("standard"), r.data.get("paid")) if v
    )
    return t(
        language,
        "disc.subsidy_line",
        n=r.position,
        group=r.data.get("group", "") or "",
        name=subsidy_name(r, names_full),
        item=r.data.get("item", ""),
        details=details,
        amount=format_fen(r.amount_fen),
        note=r.data.get("note", "") or "",
    )


def change_line(language: str, change: dict) -> str:
    if change["op"] == "field":
        return t(
            language,
            "disc.change_field",
            what=Term(f"disc.field.{change['section']}"),
            before=str(change["before"])[:80],
            after=str(change["after"])[:80],
        )
    return t(
        language,
        f"disc.change_{change['op']}",
        what=change["what"],
        before=change["before"],
        after=change["after"],
    )


def rows_text(d: Disclosure, rows: list[Row]) -> str:
    """The rows as searchable text; names masked, since search results are public (§6)."""
    parts: list[str] = []
    for r in rows:
        if d.kind == "subsidy":
            parts += [
                r.data.get("group", ""),
                mask_name(r.data.get("head", "")),
                r.data.get("item", ""),
            ]
            parts.append(r.data.get("note", ""))
        elif d.kind == "notice":
            parts.append(r.data.get("name", ""))
        else:
            parts += [r.data.get("account", ""), r.data.get("description", "")]
    return " ".join(p for p in parts if p)
