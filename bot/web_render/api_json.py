"""The JSON API's documents (`/api/v1/`), masked exactly like the pages, and its OpenAPI 3.1
description. Money is integer fen plus a display string in yuan; times are ISO 8601 UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.services.disclosures.board import (
    Ledger,
    LedgerLine,
    PublicDisclosure,
    QuarterStatus,
    Signature,
    SubsidyList,
    VillageFigures,
)
from bot.services.money import format_fen
from bot.web_render import topics_json
from storage.disclosure_board import PublicItem

API_VERSION = "1.0.0"
QUARTER_STATES = ("on_time", "late", "missing", "pending")
KINDS = ("finance", "subsidy", "notice")
STATUSES = ("published", "superseded")
CHANGE_OPS = ("field", "changed", "added", "removed", "att_added", "att_removed")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


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


# -- OpenAPI 3.1 -----------------------------------------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], *, required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
        "additionalProperties": False,
    }


_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}
_URL = {"type": "string", "format": "uri"}


def _page(item_schema: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item_schema)},
            "next_cursor": _nullable(_STR),
        }
    )


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json(_ref("Error"), "A parameter is not valid (e.g. a cursor not handed out here)."),
    "404": _json(_ref("Error"), "No such village, published disclosure or topic."),
}
_CURSOR = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": "`next_cursor` of the previous page; omit for the first page.",
    "schema": {"type": "string", "maxLength": 100},
}
_LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "description": "Items per page (1-100, default 20).",
    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}
_CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "description": "The village code (as in /v/<code>).",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,32}$"},
}


def openapi(base_url: str, township: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of `/api/v1/`."""
    money_schema = _object({"fen": _INT, "yuan": _STR})
    signature = _object({"name": _STR, "at": _TIME})
    ledger_line = _object(
        {
            "account": _STR,
            "description": _STR,
            "amount": _ref("Money"),
            "year_to_date": _nullable(_ref("Money")),
        }
    )
    schemas = {
        "Money": money_schema,
        "Error": _object({"error": _object({"code": _STR, "message": _STR})}),
        "Quarter": _object(
            {
                "period": {**_STR, "description": "The quarter being disclosed, e.g. 2026Q3."},
                "state": {"type": "string", "enum": list(QUARTER_STATES)},
                "deadline": {"type": "string", "format": "date"},
                "published_at": _nullable(_TIME),
            }
        ),
        "Village": _object(
            {
                "code": _STR,
                "name": _STR,
                "url": _URL,
                "feed_url": _URL,
                "disclosures": _object(
                    {
                        k: {"type": "integer", "minimum": 0}
                        for k in ("published", "superseded", "finance", "subsidy", "notice")
                    }
                ),
                "quarter": _ref("Quarter"),
            }
        ),
        "DisclosureSummary": _object(
            {
                "id": _INT,
                "village_code": _STR,
                "kind": {"type": "string", "enum": list(KINDS)},
                "category": _STR,
                "period": _STR,
                "title": _STR,
                "status": {"type": "string", "enum": list(STATUSES)},
                "version": _INT,
                "major": _BOOL,
                "supersedes_id": _nullable(_INT),
                "superseded_by_id": _nullable(_INT),
                "published_at": _TIME,
                "url": _URL,
            }
        ),
        "Signature": signature,
        "LedgerLine": ledger_line,
        "Ledger": _object(
            {
                "opening": _ref("Money"),
                "income": {"type": "array", "items": _ref("LedgerLine")},
                "expense": {"type": "array", "items": _ref("LedgerLine")},
                "income_total": _ref("Money"),
                "expense_total": _ref("Money"),
                "closing": _ref("Money"),
                "computed_closing": _ref("Money"),
                "difference": _ref("Money"),
                "balanced": _BOOL,
            }
        ),
        "SubsidyLine": _object(
            {
                "n": _INT,
                "group": _STR,
                "name": {**_STR, "description": "Masked: 张*三 / 张* (DESIGN §6)."},
                "item": _STR,
                "quantity": _STR,
                "standard": _STR,
                "amount": _ref("Money"),
                "paid": _STR,
                "note": _STR,
            }
        ),
        "Subsidy": _object(
            {
                "count": _INT,
                "total": _ref("Money"),
                "names_masked": {"type": "boolean", "const": True},
                "lines": {"type": "array", "items": _ref("SubsidyLine")},
            }
        ),
        "Change": _object(
            {
                "op": {"type": "string", "enum": list(CHANGE_OPS)},
                "section": _STR,
                "what": _STR,
                "before": _STR,
                "after": _STR,
            }
        ),
        "Version": _object(
            {
                "id": _INT,
                "version": _INT,
                "status": {"type": "string", "enum": list(STATUSES)},
                "published_at": _TIME,
                "title": _STR,
                "url": _URL,
                "changes": {"type": "array", "items": _ref("Change")},
            }
        ),
        "Filing": _object(
            {
                "drafted_by": _STR,
                "signed_by": {"type": "array", "items": _ref("Signature")},
                "published_at": _TIME,
                "checksum": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            }
        ),
        "Disclosure": _object(
            {
                "id": _INT,
                "village": _object({"code": _STR, "name": _STR}),
                "kind": {"type": "string", "enum": list(KINDS)},
                "category": _STR,
                "period": _STR,
                "title": _STR,
                "body": _STR,
                "major": _BOOL,
                "status": {"type": "string", "enum": list(STATUSES)},
                "version": _INT,
                "published_at": _TIME,
                "newest_id": _INT,
                "url": _URL,
                "poster_url": _URL,
                "ledger": _nullable(_ref("Ledger")),
                "subsidy": _nullable(_ref("Subsidy")),
                "attachments": {"type": "array", "items": _STR},
                "signatures": {"type": "array", "items": _ref("Signature")},
                "filing": _nullable(_ref("Filing")),
                "versions": {"type": "array", "items": _ref("Version")},
            }
        ),
        "VillagePage": _page("Village"),
        "DisclosurePage": _page("DisclosureSummary"),
        "Stats": _object(
            {
                "township": _STR,
                "villages": _INT,
                "disclosures": _object(
                    {
                        k: {"type": "integer", "minimum": 0}
                        for k in ("published", "superseded", "finance", "subsidy", "notice")
                    }
                ),
                "quarter": _object(
                    {
                        "period": _STR,
                        **{s: {"type": "integer", "minimum": 0} for s in QUARTER_STATES},
                    }
                ),
                "topics": _ref("TopicStats"),
            }
        ),
        **topics_json.schemas(),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{township} village affairs disclosure API",
            "version": API_VERSION,
            "description": (
                "Read-only public data of the village affairs board (村务公开). Only published "
                "disclosures; beneficiaries' names masked; no ID, phone or card numbers."
            ),
        },
        "servers": [{"url": f"{base_url}/api/v1"}],
        "paths": {
            "/villages": {
                "get": {
                    "operationId": "listVillages",
                    "summary": "Every village with its disclosure figures and quarter status.",
                    "parameters": [_CURSOR, _LIMIT],
                    "responses": {
                        "200": _json(_ref("VillagePage"), "A page of villages."),
                        "400": _ERRORS["400"],
                    },
                }
            },
            "/villages/{code}/disclosures": {
                "get": {
                    "operationId": "listVillageDisclosures",
                    "summary": "A village's published disclosures, newest first.",
                    "parameters": [
                        _CODE,
                        _CURSOR,
                        _LIMIT,
                        {
                            "name": "category",
                            "in": "query",
                            "required": False,
                            "description": "Only this category.",
                            "schema": {"type": "string", "maxLength": 50},
                        },
                    ],
                    "responses": {
                        "200": _json(_ref("DisclosurePage"), "A page of disclosures."),
                        **_ERRORS,
                    },
                }
            },
            "/disclosures/{id}": {
                "get": {
                    "operationId": "getDisclosure",
                    "summary": "One published version: table, sign-offs, filing record, versions.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 999999999999},
                        }
                    ],
                    "responses": {"200": _json(_ref("Disclosure"), "The disclosure."), **_ERRORS},
                }
            },
            **topics_json.paths(_ERRORS, _CURSOR, _LIMIT, _CODE),
            "/stats": {
                "get": {
                    "operationId": "getStats",
                    "summary": "Counts of published disclosures and of the quarter's statuses, "
                    "and the point-topic figures of a period (按时办结率, 满意率).",
                    "parameters": [
                        {
                            "name": "period",
                            "in": "query",
                            "required": False,
                            "description": "Topic figures of 2026, 2026Q3 or 2026-05 "
                            "(default: the current quarter).",
                            "schema": {"type": "string", "maxLength": 20},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Stats"), "The township's figures."),
                        "400": _ERRORS["400"],
                    },
                }
            },
        },
        "components": {"schemas": schemas},
    }
