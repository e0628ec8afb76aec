"""The OpenAPI 3.1 description of `/api/v1/`: the disclosure schemas and paths, with the topic
parts from `topics_openapi`."""

from __future__ import annotations

from typing import Any

from bot.web_render import scores_openapi, topics_openapi
from bot.web_render.openapi_schema import (
    BOOL,
    CODE,
    COUNT,
    CURSOR,
    ERRORS,
    INT,
    LIMIT,
    STR,
    TIME,
    TOWNSHIP,
    URL,
    array,
    enum,
    json_response,
    nullable,
    obj,
    page,
    query,
    ref,
)

API_VERSION = "1.0.0"
QUARTER_STATES = ("on_time", "late", "missing", "pending")
KINDS = ("finance", "subsidy", "notice")
STATUSES = ("published", "superseded")
CHANGE_OPS = ("field", "changed", "added", "removed", "att_added", "att_removed")
_COUNTED = ("published", "superseded", "finance", "subsidy", "notice")


def _village_schemas() -> dict[str, Any]:
    return {
        "Money": obj({"fen": INT, "yuan": STR}),
        "Error": obj({"error": obj({"code": STR, "message": STR})}),
        "Quarter": obj(
            {
                "period": {**STR, "description": "The quarter being disclosed, e.g. 2026Q3."},
                "state": enum(QUARTER_STATES),
                "deadline": {"type": "string", "format": "date"},
                "published_at": nullable(TIME),
            }
        ),
        "Village": obj(
            {
                "code": STR,
                "name": STR,
                "url": URL,
                "feed_url": URL,
                "disclosures": obj({k: COUNT for k in _COUNTED}),
                "quarter": ref("Quarter"),
            }
        ),
    }


def _summary_schema() -> dict[str, Any]:
    return obj(
        {
            "id": INT,
            "village_code": STR,
            "kind": enum(KINDS),
            "category": STR,
            "period": STR,
            "title": STR,
            "status": enum(STATUSES),
            "version": INT,
            "major": BOOL,
            "supersedes_id": nullable(INT),
            "superseded_by_id": nullable(INT),
            "published_at": TIME,
            "url": URL,
        }
    )


def _table_schemas() -> dict[str, Any]:
    """A finance disclosure's ledger and a subsidy list (names masked)."""
    line = {"account": STR, "description": STR, "amount": ref("Money")}
    subsidy_line = {
        "n": INT,
        "group": STR,
        "name": {**STR, "description": "Masked: 张*三 / 张* (DESIGN §6)."},
        "item": STR,
        "quantity": STR,
        "standard": STR,
        "amount": ref("Money"),
        "paid": STR,
        "note": STR,
    }
    money_fields = ("income_total", "expense_total", "closing", "computed_closing", "difference")
    return {
        "Signature": obj({"name": STR, "at": TIME}),
        "LedgerLine": obj({**line, "year_to_date": nullable(ref("Money"))}),
        "Ledger": obj(
            {
                "opening": ref("Money"),
                "income": array(ref("LedgerLine")),
                "expense": array(ref("LedgerLine")),
                **{k: ref("Money") for k in money_fields},
                "balanced": BOOL,
            }
        ),
        "SubsidyLine": obj(subsidy_line),
        "Subsidy": obj(
            {
                "count": INT,
                "total": ref("Money"),
                "names_masked": {"type": "boolean", "const": True},
                "lines": array(ref("SubsidyLine")),
            }
        ),
    }


def _history_schemas() -> dict[str, Any]:
    """What each version changed, and the filing record (备案)."""
    return {
        "Change": obj(
            {"op": enum(CHANGE_OPS), "section": STR, "what": STR, "before": STR, "after": STR}
        ),
        "Version": obj(
            {
                "id": INT,
                "version": INT,
                "status": enum(STATUSES),
                "published_at": TIME,
                "title": STR,
                "url": URL,
                "changes": array(ref("Change")),
            }
        ),
        "Filing": obj(
            {
                "drafted_by": STR,
                "signed_by": array(ref("Signature")),
                "published_at": TIME,
                "checksum": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            }
        ),
    }


def _disclosure_schema() -> dict[str, Any]:
    return obj(
        {
            "id": INT,
            "village": obj({"code": STR, "name": STR}),
            "kind": enum(KINDS),
            "category": STR,
            "period": STR,
            "title": STR,
            "body": STR,
            "major": BOOL,
            "status": enum(STATUSES),
            "version": INT,
            "published_at": TIME,
            "newest_id": INT,
            "url": URL,
            "poster_url": URL,
            "ledger": nullable(ref("Ledger")),
            "subsidy": nullable(ref("Subsidy")),
            "attachments": array(STR),
            "signatures": array(ref("Signature")),
            "filing": nullable(ref("Filing")),
            "versions": array(ref("Version")),
        }
    )


def _stats_schema() -> dict[str, Any]:
    return obj(
        {
            "township": STR,
            "villages": INT,
            "disclosures": obj({k: COUNT for k in _COUNTED}),
            "quarter": obj({"period": STR, **{s: COUNT for s in QUARTER_STATES}}),
            "topics": ref("TopicStats"),
        }
    )


def schemas() -> dict[str, Any]:
    """Every schema of the API, topics' included."""
    return {
        **_village_schemas(),
        "DisclosureSummary": _summary_schema(),
        **_table_schemas(),
        **_history_schemas(),
        "Disclosure": _disclosure_schema(),
        "VillagePage": page("Village"),
        "DisclosurePage": page("DisclosureSummary"),
        "Stats": _stats_schema(),
        **topics_openapi.schemas(),
        **scores_openapi.schemas(),
    }


def _get(operation: str, summary: str, parameters: list, responses: dict) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "parameters": parameters,
            "responses": responses,
        }
    }


def paths() -> dict[str, Any]:
    """Every path of the API, topics' included."""
    disclosure_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 999999999999},
    }
    category = query("category", "Only this category.", {"type": "string", "maxLength": 50})
    period = query(
        "period",
        "Topic figures of 2026, 2026Q3 or 2026-05 (default: the current quarter).",
        {"type": "string", "maxLength": 20},
    )
    return {
        "/villages": _get(
            "listVillages",
            "Every village with its disclosure figures and quarter status.",
            [CURSOR, LIMIT, TOWNSHIP],
            {"200": json_response(ref("VillagePage"), "A page of villages."), **ERRORS},
        ),
        "/villages/{code}/disclosures": _get(
            "listVillageDisclosures",
            "A village's published disclosures, newest first.",
            [CODE, CURSOR, LIMIT, category, TOWNSHIP],
            {"200": json_response(ref("DisclosurePage"), "A page of disclosures."), **ERRORS},
        ),
        "/disclosures/{id}": _get(
            "getDisclosure",
            "One published version: table, sign-offs, filing record, versions.",
            [disclosure_id, TOWNSHIP],
            {"200": json_response(ref("Disclosure"), "The disclosure."), **ERRORS},
        ),
        **topics_openapi.paths(),
        **scores_openapi.paths(),
        **scores_openapi.paths(),
        "/stats": _get(
            "getStats",
            "Counts of published disclosures and of the quarter's statuses, "
            "and the point-topic figures of a period (按时办结率, 满意率).",
            [period, TOWNSHIP],
            {"200": json_response(ref("Stats"), "The township's figures."), **ERRORS},
        ),
    }


def openapi(base_url: str, township: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of `/api/v1/`."""
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
        "paths": paths(),
        "components": {"schemas": schemas()},
    }
