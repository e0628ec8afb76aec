"""Proof the paper board was posted (CH-01, CH-02): the official of the village sends a photo of
the printed poster for a published disclosure; township staff see who has not within N days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.core.local_time import local_time
from bot.services import notify
from bot.services.context import Context
from bot.services.disclosures import form_state, item_access
from bot.services.disclosures.form_replies import form_key
from bot.services.disclosures.form_state import WING
from bot.services.disclosures.photo_files import exif_taken_at, image_type
from bot.services.people import Denied, Person, ReplyTo
from bot.services.permissions import require
from storage import audit, board_photos, forms, villages
from storage import disclosures as store_d
from storage.board_photos import MAX_BYTES, BoardPhoto
from storage.disclosures import Disclosure

STEP = "board_photo"


@dataclass(frozen=True, slots=True)
class Overdue:
    """A village with published items still without a board photo after the allowed days."""

    village: str
    disclosure_ids: tuple[int, ...]


class BoardPhotos:
    """The /photo form, the stored photos the web shows, and the township's list of villages
    that have not sent theirs."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.days = ctx.config.disclosure.board_photo_days

    def start(self, person: Person, ref: str, reply: ReplyTo | None = None) -> Disclosure:
        """`/photo <number>`: the form waits for the photo of that item's posted poster."""
        d = self._postable(person, ref)
        with self.ctx.store.transaction() as db:
            form_state.save(self.ctx, db, person, STEP, {"id": d.id})
            notify.answer(db, form_key(person), reply, person.language, "disc.photo.ask", id=d.id)
        return d

    def expects_photo(self, user_id: int) -> bool:
        """Whether the person's next photo or document is a board photo."""
        return form_state.is_at(self.ctx.store.db, user_id, STEP)

    def check_upload(self, person: Person, size: int | None) -> None:
        """Refuse before downloading: no photo expected, the item not postable, or too big."""
        data = form_state.data_at(self.ctx.store.db, person, STEP, "disc.photo.none_expected")
        self._postable(person, data["id"])
        if size is not None and size > MAX_BYTES:
            raise Denied("disc.photo.too_big", limit=MAX_BYTES // 1_000_000)

    def save(self, person: Person, content: bytes, reply: ReplyTo | None = None) -> BoardPhoto:
        """Store the photo with the time it was taken (EXIF, else now) and close the form, in
        one transaction with its audit event and the answer."""
        data = form_state.data_at(self.ctx.store.db, person, STEP, "disc.photo.none_expected")
        d = self._postable(person, data["id"])
        mime = image_type(content)
        if mime is None:
            raise Denied("disc.photo.not_image")
        if len(content) > MAX_BYTES:
            raise Denied("disc.photo.too_big", limit=MAX_BYTES // 1_000_000)
        received = self.ctx.now()
        taken, source = exif_taken_at(content, self.ctx.tz), "exif"
        if taken is None or taken > received:  # no date, or a camera clock set in the future
            taken, source = received, "received"
        with self.ctx.store.transaction() as db:
            photo_id = board_photos.add(
                db,
                disclosure_id=d.id,
                village_code=d.village_code,
                content=content,
                mime_type=mime,
                taken_at=taken,
                taken_from=source,
                received_at=received,
                sent_by=person.user_id,
            )
            forms.delete(db, person.user_id, WING)
            event = audit.record(
                db,
                person.user_id,
                "disclosure.board_photo",
                f"disclosure:{d.id}",
                village_code=d.village_code,
                after={"photo": photo_id, "bytes": len(content), "taken_from": source},
            )
            at = local_time(taken, self.ctx.tz)
            key = f"disc.photo.saved_{source}"
            notify.answer(db, f"a{event}:answer", reply, person.language, key, id=d.id, at=at)
        return board_photos.newest(self.ctx.store.db, d.id)

    def shown(self, disclosure_id: int) -> BoardPhoto | None:
        """The newest photo of a published (or superseded) item, for its public page."""
        db = self.ctx.store.db
        d = store_d.get(db, disclosure_id)
        return board_photos.newest(db, d.id) if d is not None and d.is_public else None

    def content(self, photo: BoardPhoto) -> bytes | None:
        """A shown photo's bytes."""
        return board_photos.content(self.ctx.store.db, photo.id)

    def overdue(self, person: Person) -> list[Overdue]:
        """`/photos`: villages whose published items have no board photo after N days."""
        require(person, "disclosure.board_photo_list")
        today = self.ctx.local_date(self.ctx.now())
        return self.overdue_on(self.ctx.store.db, today, person.villages_in_view())

    def overdue_on(
        self, db: Database, local_day: date, within: frozenset[str] | None = None
    ) -> list[Overdue]:
        """Items published N or more whole days before `local_day` without a photo, by village
        (of the villages `within`, None: all)."""
        cutoff = self._cutoff(local_day)
        by_village: dict[str, list[int]] = {}
        for code, disclosure_id in board_photos.without_photo(db, cutoff, within):
            by_village.setdefault(code, []).append(disclosure_id)
        names = {v.code: v.name for v in villages.all_active(db)}
        return [Overdue(names[code], tuple(ids)) for code, ids in by_village.items()]

    def _cutoff(self, local_day: date) -> datetime:
        """Items published before this moment have waited N whole days by `local_day`."""
        return self.ctx.local_start(local_day - timedelta(days=self.days - 1))

    def digest_lines(
        self, db: Database, local_day: date, within: frozenset[str] | None = None
    ) -> list[tuple[str, dict]]:
        """The township digest's line on villages (of its township) without a board photo
        after N days."""
        late = board_photos.villages_without_photo(db, self._cutoff(local_day), within)
        if not late:
            return []
        names = "、".join(name for _, name in late)
        return [("disc.photo.digest", {"days": self.days, "villages": names, "count": len(late)})]

    def _postable(self, person: Person, ref: int | str) -> Disclosure:
        """A published item of the official's own village (CH-01: its office posts it)."""
        d = item_access.get(self.ctx.store.db, ref)
        require(person, "disclosure.board_photo", village=d.village_code)
        if d.status == "superseded":
            raise Denied("disc.photo.superseded", id=d.id, newest=d.superseded_by_id)
        if d.status != "published":
            raise Denied("disc.photo.not_published", id=d.id)
        return d
