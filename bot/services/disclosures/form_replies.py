"""What the disclosure forms answer, rendered for the outbox.

An answer that follows a change is queued in that change's transaction (DESIGN §7): the inbox
marks the update done with the first commit, so an answer sent afterwards by the handler would be
lost for good if the bot died in between. Button labels are rendered here, in the reader's
language; the handler only acknowledges the button press.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.delivery.messages import Button, Document, Rows, rows_of
from bot.delivery.messages import queue as queue_message
from bot.i18n import Term, t, t_plain
from bot.services import notify
from bot.services.disclosures import disclosure_text, preview_table
from bot.services.people import Person, ReplyTo
from storage import outbox
from storage.disclosure_rows import Row
from storage.disclosures import Disclosure

# Photos and documents one notice may carry (sent one by one while its draft is open).
ATTACHMENTS_MAX = 10


def queue(
    db: Database,
    key: str,
    reply: ReplyTo | None,
    lines: list[str],
    rows: Rows = (),
    file: Document | None = None,
):
    """Queue rendered lines as the answer (split when long; the first part may edit the pressed
    message), after the file it speaks of. Nothing is queued without a ReplyTo."""
    if reply is not None and file is not None:
        queue_message(db, f"{key}:table", reply.chat_id, file, priority=outbox.INTERACTIVE)
    notify.answer_text(db, key, reply, "\n".join(lines), buttons=rows)


def answer_change(
    db: Database, event: int, reply: ReplyTo | None, person: Person, key: str, /, **params: object
) -> None:
    """Queue the answer to a change under its audit event's key (when one is owed)."""
    if reply is not None:
        notify.answer(db, f"a{event}:answer", reply, person.language, key, **params)


def form_key(person: Person) -> str:
    """A fresh key for the answer to a form step, which has no audit event of its own; the
    step commits together with its update's "done" mark, so it is never replayed."""
    return f"form:{person.user_id}:{uuid.uuid4().hex}"


def category_buttons(categories: Sequence[str]) -> Rows:
    """Two categories a row."""
    return rows_of(
        [Button(categories[j], f"dcat:{j}") for j in range(i, min(i + 2, len(categories)))]
        for i in range(0, len(categories), 2)
    )


def question(language: str, step: str, info: dict, categories: Sequence[str]):
    """The next question of a form: (lines, buttons)."""
    if step == "category":
        text = t(language, "disc.ask_category", kind=Term(f"disc.kind.{info['kind']}"))
        return [text], category_buttons(categories)
    if step == "period":
        suggested = info["suggested"]
        return [t(language, "disc.ask_period", suggested=suggested)], rows_of(
            [[Button(suggested, f"dper:{suggested}")]]
        )
    if step == "file":
        kind = info["kind"]
        text = t(language, f"disc.ask_file_{kind}", period=info["period"])
        return [text], rows_of(
            [[Button(t_plain(language, "disc.template_button"), f"dtpl:{kind}")]]
        )
    if step in ("title", "body"):
        return [t(language, f"disc.ask_{step}")], ()
    raise ValueError(f"no question for step {step!r}")


def reading_line(language: str, reading: dict) -> str:
    """How a file was read, in one line the official can confirm (第2行是表头；收入(元)→收入…;
    按第3、4行两行表头读取；单位万元已换算为元)."""
    if "top" in reading:
        parts = [t_plain(language, "imp.read.two_rows", top=reading["top"], row=reading["header"])]
    else:
        parts = [t_plain(language, "imp.read.header", row=reading["header"])]
    if "unit" in reading:
        parts.append(t_plain(language, "imp.read.unit", unit=reading["unit"]))
    if "groups" in reading:
        parts.append(t_plain(language, "imp.read.groups", count=reading["groups"]))
    columns = [
        t_plain(language, "imp.read.column", title=title, role=Term(f"imp.read.role.{role}"))
        for title, role in reading["columns"]
    ]
    if columns:
        parts.append(t_plain(language, "imp.read.joiner").join(columns))
    parts += [
        t_plain(language, "imp.read.checked", row=row, label=label)
        for row, label in reading["checked"]
    ]
    return t(language, "imp.read.line", how=t_plain(language, "imp.read.separator").join(parts))


def draft(
    language: str,
    d: Disclosure,
    rows: list[Row],
    *,
    village: str,
    tz: ZoneInfo,
    info: dict,
):
    """A saved draft as its official sees it, with Submit and Major buttons: (lines, buttons).
    A long table shows its first and last lines; `draft_file` carries the whole of it."""
    lines = disclosure_text.lines(
        language, d, rows, village=village, names_full=True, tz=tz, status=True, cut=True
    )
    if preview_table.is_cut(d, rows):
        lines.append(t(language, "disc.table_in_file", rows=len(rows)))
    if "rows" in info:
        lines.append(t(language, "disc.imported", rows=info["rows"], masked=info["masked"]))
        if info.get("ignored"):
            lines.append(t(language, "disc.ignored_columns", columns="、".join(info["ignored"])))
        if info.get("reading"):
            lines.append(reading_line(language, info["reading"]))
    lines.append(t(language, "disc.draft_next", id=d.id))
    if d.kind == "notice":
        lines.append(t(language, "disc.attach_hint", limit=ATTACHMENTS_MAX))
    major = "disc.major_button_off" if d.major else "disc.major_button"
    buttons = rows_of(
        [
            [
                Button(t_plain(language, "disc.submit_button"), f"dsub:{d.id}"),
                Button(t_plain(language, major), f"dmaj:{d.id}"),
            ]
        ]
    )
    return lines, buttons


def draft_file(language: str, d: Disclosure, rows: list[Row], info: dict) -> Document | None:
    """The whole table of a freshly imported long draft, sent once beside its preview."""
    if "rows" not in info:
        return None
    return preview_table.table_file(d, rows, language, names_full=True)
