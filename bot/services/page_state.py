"""What a public page shows besides its address and language: the data it was rendered from
(the data version) and the township's day (overdue, "due in N days")."""

from __future__ import annotations

from datetime import date

from bot.services.context import Context
from storage import data_version


def page_stamp(ctx: Context) -> tuple[int, date]:
    """The data version and the township's local date now: a page rendered under another stamp
    may show something else."""
    return data_version.read(ctx.store.db), ctx.local_date(ctx.now())
