"""The guided disclosure form's state: the step a person is at with what it has gathered, saving
the next step with its question in one transaction, and what a step did (`Step`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.core.village_names import village_name
from bot.services.context import Context
from bot.services.disclosures import form_replies
from bot.services.people import Denied, Person, ReplyTo
from storage import disclosure_rows, forms
from storage import disclosures as store_d
from storage.disclosures import Disclosure

WING = "disclosures"


@dataclass(frozen=True, slots=True)
class Step:
    """What a form step did, for the handler to answer: ``kind`` and the item concerned."""

    kind: str
    disclosure: Disclosure | None = None
    info: dict = field(default_factory=dict)


def current(db: Database, user_id: int) -> tuple[str, dict] | None:
    """A person's form in progress: (step, data gathered)."""
    form = forms.get(db, user_id, WING)
    return None if form is None else (form.step, form.data)


def is_at(db: Database, user_id: int, *steps: str) -> bool:
    """Whether the person's form waits at one of these steps."""
    form = current(db, user_id)
    return form is not None and form[0] in steps


def data_at(db: Database, person: Person, step: str, refusal: str) -> dict:
    """The form's data when it is at `step`; otherwise refused with `refusal`."""
    form = current(db, person.user_id)
    if form is None or form[0] != step:
        raise Denied(refusal)
    return form[1]


def data_of(d: Disclosure) -> dict:
    """Form progress that works on an existing draft (edit, correction)."""
    return {
        "kind": d.kind,
        "village": d.village_code,
        "category": d.category,
        "period": d.period,
        "title": d.title,
        "id": d.id,
    }


def new_content_step(d: Disclosure) -> Step:
    """The step that takes a draft's new content: a text for a notice, a file otherwise."""
    return Step("body" if d.kind == "notice" else "file", d, {"kind": d.kind, "period": d.period})


def save(ctx: Context, db: Database, person: Person, step: str, data: dict) -> None:
    """Save the step a person's form is at, with what it has gathered so far."""
    forms.put(db, person.user_id, WING, "disclosure", step, data, ctx.now())


def ask(ctx: Context, person: Person, step: Step, data: dict, reply: ReplyTo | None) -> Step:
    """Save the form's next step and queue its question, in one transaction."""
    with ctx.store.transaction() as db:
        save(ctx, db, person, step.kind, data)
        tell(ctx, db, form_replies.form_key(person), reply, person, step)
    return step


def tell(
    ctx: Context, db: Database, key: str, reply: ReplyTo | None, person: Person, step: Step
) -> None:
    """Queue the answer to a form step: its next question, or the saved draft."""
    if reply is None:
        return
    language = person.language
    file = None
    if step.kind == "draft_ready":
        d = store_d.get(db, step.disclosure.id)
        rows = disclosure_rows.rows_of(db, d.id)
        lines, buttons = form_replies.draft(
            language,
            d,
            rows,
            village=village_name(ctx.store.db, d.village_code),
            tz=ctx.tz,
            info=step.info,
        )
        file = form_replies.draft_file(language, d, rows, step.info)
    else:
        categories = ctx.config.disclosure.categories
        lines, buttons = form_replies.question(language, step.kind, step.info, categories)
    form_replies.queue(db, key, reply, lines, buttons, file)
