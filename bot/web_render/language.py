"""Which language a web page is shown in: `?lang=` first, then the browser's Accept-Language."""

from __future__ import annotations

from bot.i18n import LANGUAGES


def _match(tag: str) -> str | None:
    tag = tag.strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def parse_accept_language(header: str) -> list[str]:
    """The header's languages we support, best first (q-values honoured, q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = _match(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    seen: list[str] = []
    for _, _, language in sorted(ranked):
        if language not in seen:
            seen.append(language)
    return seen


def choose_language(query_lang: str | None, accept_language: str | None, default: str) -> str:
    """An explicit `?lang=` wins, then the browser's preference, then the township default."""
    if query_lang:
        chosen = query_lang if query_lang in LANGUAGES else _match(query_lang)
        if chosen:
            return chosen
    if accept_language:
        preferred = parse_accept_language(accept_language)
        if preferred:
            return preferred[0]
    return default if default in LANGUAGES else LANGUAGES[0]
