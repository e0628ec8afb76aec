"""Text as people type it, made safe to count and show: characters nobody can see are dropped.

Zero-width spaces, joiners, byte-order marks, bidirectional overrides (which can make a public
text read backwards) and control characters other than line breaks and tabs carry nothing a
reader sees, so a text made only of them is empty — refused as too short where a length counts.
"""

from __future__ import annotations

import unicodedata

_KEPT_CONTROLS = {"\n", "\t"}


def clean(text: str | None) -> str:
    """`text` without invisible format and control characters, line endings as `\\n`, trimmed."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = (
        c
        for c in text
        if c in _KEPT_CONTROLS or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return "".join(kept).strip()
