"""The transparency score's part of the API's OpenAPI description (`/api/v1/scores`)."""

from __future__ import annotations

from typing import Any

from bot.services.scores.formula import NONE, NOT_DUE, TOO_FEW, WEIGHTS
from bot.web_render.openapi_schema import (
    COUNT,
    ERRORS,
    STR,
    TOWNSHIP,
    array,
    enum,
    json_response,
    nullable,
    obj,
    query,
    ref,
)

WEIGHT_KEYS = [w.key for w in WEIGHTS]


def schemas() -> dict[str, Any]:
    share = {"type": "integer", "minimum": 0, "maximum": 100}
    score_input = obj(
        {
            "key": enum(WEIGHT_KEYS),
            "weight": share,
            "value": nullable(share),
            "good": COUNT,
            "counted": COUNT,
            "left_out": nullable(enum([NONE, NOT_DUE, TOO_FEW])),
        }
    )
    village = obj(
        {
            "code": STR,
            "name": STR,
            "rank": nullable({"type": "integer", "minimum": 1}),
            "score": nullable({"type": "number", "minimum": 0, "maximum": 100}),
            "inputs": array(ref("ScoreInput")),
        }
    )
    ranking = obj(
        {
            "period": STR,
            "weights": obj({key: share for key in WEIGHT_KEYS}),
            "min_topics": COUNT,
            "min_weight": share,
            "villages": array(ref("VillageScore")),
        }
    )
    return {"ScoreInput": score_input, "VillageScore": village, "Scores": ranking}


def paths() -> dict[str, Any]:
    period = query(
        "period",
        "A quarter such as 2026Q3 (default: the last complete quarter).",
        {"type": "string", "maxLength": 40},
    )
    return {
        "/scores": {
            "get": {
                "operationId": "getScores",
                "summary": "Every village's transparency score of a quarter, ranked, with its "
                "inputs beside it (the formula: /score/formula).",
                "parameters": [period, TOWNSHIP],
                "responses": {
                    "200": json_response(ref("Scores"), "The ranking."),
                    **ERRORS,
                },
            }
        },
    }
