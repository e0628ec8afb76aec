"""The Jinja2 environment for the web pages: autoescaped templates and catalogue lookups."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.core.search_terms import marked_html
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, catalogue, t_plain

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"
HTML_LANG = {"zh-CN": "zh-CN", "en": "en"}
FRAGMENTS_KEPT = 512  # a county's township cards, rankings and their languages
_fragments: OrderedDict[Hashable, Markup] = OrderedDict()


@cache
def environment() -> Environment:
    """One shared environment; autoescaping is on for every template (DESIGN §6)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship with the code: no file's date is checked at every include (a
        # county's index includes one per township and village).
        auto_reload=False,
    )
    env.filters["marked"] = marked
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["zip"] = zip  # columns beside their labels, without a loop counter per row
    # A figure whose value is a catalogue message (disclosure_sections.Phrase): asked of every
    # figure of an index, where `value.phrase is defined` cost two exceptions per plain value.
    env.tests["phrase"] = lambda value: hasattr(value, "phrase")
    env.globals["fragment"] = fragment
    return env


def compile_all() -> None:
    """Compile every template now (in a worker at start), not on the first page that uses it:
    the county's index compiles thirteen, about 80 ms on the loop."""
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def fragment(template: str, language: str, link: Callable[[str], str], **context: Any) -> Markup:
    """`{{ fragment("part.html", language, link, name=value) }}`: a part of a page rendered
    once for what it shows. A county's township page is rendered again after any change in the
    county (the page cache's data version) while its twenty village cards and its ranking stay
    the same until their own figures change; the key is the part's whole content (the frozen
    dataclasses of its figures, else their text) and where its links lead. Values that Python
    holds equal must render alike (a figure is not 1 on one page and 1.0 or True on another)."""
    key: Hashable = (template, language, link("/"), tuple(sorted(context.items())))
    try:
        found = _fragments.get(key)
    except TypeError:  # a part holding a list or a dict: its text stands for it
        key = repr(key)
        found = _fragments.get(key)
    if found is not None:
        _fragments.move_to_end(key)
        return found
    page = environment().get_template(template)
    found = Markup(page.render(_=translator(language), language=language, link=link, **context))
    _fragments[key] = found
    if len(_fragments) > FRAGMENTS_KEPT:
        _fragments.popitem(last=False)
    return found


def marked(text: str, words: list[str]) -> Markup:
    """`{{ text | marked(words) }}`: the text escaped, each of the search words in <mark>."""
    return Markup(marked_html(text, words, "mark"))  # escaped there, then marked


def translator(language: str):
    """`_("web.key", name=value)` inside templates: plain catalogue text, escaped by Jinja."""

    def translate(key: str, /, **params: object) -> str:
        return t_plain(language, key, **params)

    return translate


def has_message(language: str, key: str) -> bool:
    """Whether the catalogue has this key (templates use it for optional hints)."""
    return key in catalogue(language)


def render(template: str, language: str, **context: Any) -> str:
    """Render one page in one language."""
    page = environment().get_template(template)
    return page.render(
        _=translator(language),
        language=language,
        html_lang=HTML_LANG.get(language, language),
        **context,
    )
