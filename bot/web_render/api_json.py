"""The JSON API's disclosure documents (`/api/v1/`), masked exactly like the pages; their
OpenAPI description is in `disclosures_openapi`. Money is integer fen plus a display string in
yuan; times are ISO 8601 UTC."""

from __future__ import annotations

from typing import Any

from bot.services.disclosures.disclosure_pages import PublicDisclosure, Signature
from bot.services.disclosures.public_tables import Ledger, LedgerLine, SubsidyList
from bot.services.disclosures.quarter_figures import QuarterStatus, VillageFigures
from bot.services.money import format_fen
from bot.web_render.openapi_schema import iso
from storage.disclosure_board import PublicItem


def money(fen: int) -> dict[str, Any]:
    return {"fen": fen, "yuan": format_fen(fen)}


def quarter(status: QuarterStatus) -> dict[str, Any]:
    return {
        "period": status.period,
        "state": status.state,
        "deadline": status.deadline.isoformat(),
        "published_at": iso(status.published_at) if status.published_at else None,
    }


def village(figures: VillageFigures, base_url: str) -> dict[str, Any]:
    return {
        "code": figures.code,
        "name": figures.name,
        "url": f"{base_url}/v/{figures.code}",
        "feed_url": f"{base_url}/v/{figures.code}/feed.atom",
        "disclosures": {
            "published": figures.published,
            "superseded": figures.superseded,
            "finance": figures.finance,
            "subsidy": figures.subsidy,
            "notice": figures.notice,
        },
        "quarter": quarter(figures.quarter),
    }


def item(i: PublicItem, base_url: str) -> dict[str, Any]:
    return {
        "id": i.id,
        "village_code": i.village_code,
        "kind": i.kind,
        "category": i.category,
        "period": i.period,
        "title": i.title,
        "status": i.status,
        "version": i.version,
        "major": i.major,
        "supersedes_id": i.supersedes_id,
        "superseded_by_id": i.superseded_by_id,
        "published_at": iso(i.published_at),
        "url": f"{base_url}/d/{i.id}",
    }


def _signature(s: Signature) -> dict[str, Any]:
    return {"name": s.name, "at": iso(s.at)}


def _line(line: LedgerLine) -> dict[str, Any]:
    return {
        "account": line.account,
        "description": line.description,
        "amount": money(line.amount_fen),
        "year_to_date": money(line.ytd_fen) if line.ytd_fen is not None else None,
    }


def _ledger(ledger: Ledger) -> dict[str, Any]:
    return {
        "opening": money(ledger.opening_fen),
        "income": [_line(x) for x in ledger.income],
        "expense": [_line(x) for x in ledger.expense],
        "income_total": money(ledger.income_fen),
        "expense_total": money(ledger.expense_fen),
        "closing": money(ledger.closing_fen),
        "computed_closing": money(ledger.computed_closing_fen),
        "difference": money(ledger.difference_fen),
        "balanced": ledger.balanced,
    }


def _subsidy(subsidy: SubsidyList) -> dict[str, Any]:
    return {
        "count": len(subsidy.lines),
        "total": money(subsidy.total_fen),
        "names_masked": True,
        "lines": [
            {
                "n": b.n,
                "group": b.group,
                "name": b.name,
                "item": b.item,
                "quantity": b.quantity,
                "standard": b.standard,
                "amount": money(b.amount_fen),
                "paid": b.paid,
                "note": b.note,
            }
            for b in subsidy.lines
        ],
    }


def disclosure(d: PublicDisclosure, base_url: str) -> dict[str, Any]:
    return {
        "id": d.id,
        "village": {"code": d.village_code, "name": d.village_name},
        "kind": d.kind,
        "category": d.category,
        "period": d.period,
        "title": d.title,
        "body": d.body,
        "major": d.major,
        "status": d.status,
        "version": d.version,
        "published_at": iso(d.published_at),
        "newest_id": d.newest_id,
        "url": f"{base_url}/d/{d.id}",
        "poster_url": f"{base_url}/d/{d.id}/poster.pdf",
        "ledger": _ledger(d.ledger) if d.ledger else None,
        "subsidy": _subsidy(d.subsidy) if d.subsidy else None,
        "attachments": list(d.attachments),
        "signatures": [_signature(s) for s in d.signatures],
        "filing": (
            {
                "drafted_by": d.filing.drafted_by,
                "signed_by": [_signature(s) for s in d.filing.signed_by],
                "published_at": iso(d.filing.published_at),
                "checksum": d.filing.checksum,
            }
            if d.filing
            else None
        ),
        "versions": [
            {
                "id": v.id,
                "version": v.version,
                "status": v.status,
                "published_at": iso(v.published_at),
                "title": v.title,
                "url": f"{base_url}/d/{v.id}",
                "changes": [
                    {
                        "op": c.op,
                        "section": c.section,
                        "what": c.what,
                        "before": c.before,
                        "after": c.after,
                    }
                    for c in v.changes
                ],
            }
            for v in d.versions
        ],
    }


def error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
