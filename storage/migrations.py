"""Versioned schema migrations, applied at start; each runs once, in order."""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from storage import data_version, figure_versions, search_index
from storage.disclosure_filings import GENESIS, chain_hash

migrations = Migrations("village_bot")


@migrations()
def m001_core(db: Database) -> None:
    """Villages, people and their roles, invites, the audit trail, inbox and outbox."""
    db.executescript(
        """
        CREATE TABLE villages (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            chat_id INTEGER,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE users (
            user_id INTEGER PRIMARY KEY,
            first_name TEXT NOT NULL DEFAULT '',
            last_name TEXT,
            username TEXT,
            telegram_language TEXT,
            language TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(user_id),
            role TEXT NOT NULL CHECK (role IN ('resident', 'official', 'supervisor', 'township')),
            village_code TEXT REFERENCES villages(code),
            title TEXT,
            verified INTEGER NOT NULL DEFAULT 0,
            from_config INTEGER NOT NULL DEFAULT 0,
            joined_at TEXT NOT NULL,
            CHECK ((role = 'township') = (village_code IS NULL))
        );
        CREATE UNIQUE INDEX members_one_role ON members(user_id, role, ifnull(village_code, ''));
        CREATE INDEX members_village ON members(village_code, role);
        CREATE TABLE invites (
            id INTEGER PRIMARY KEY,
            code_hash TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            village_code TEXT REFERENCES villages(code),
            title TEXT,
            created_by INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_by INTEGER,
            used_at TEXT
        );
        CREATE TABLE audit_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            village_code TEXT,
            before TEXT,
            after TEXT
        );
        CREATE INDEX audit_subject ON audit_events(subject);
        -- AUD-02: every change leaves a trace that cannot be rewritten.
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            done_at TEXT,
            error TEXT
        );
        CREATE INDEX inbox_pending ON inbox(status, update_id);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            idempotency_key TEXT NOT NULL UNIQUE,
            chat_id INTEGER NOT NULL,
            method TEXT NOT NULL,
            payload TEXT NOT NULL,
            priority INTEGER NOT NULL DEFAULT 5,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            message_id INTEGER,
            last_error TEXT
        );
        CREATE INDEX outbox_due ON outbox(status, priority, next_attempt_at);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


@migrations()
def m003_topics(db: Database) -> None:
    """Point-topic requests (点题), their answers, supports, extensions, urges, routes, drafts,
    receipt counters and working-calendar overrides (issue 4)."""
    statements = """
        CREATE TABLE topic_counters (
            year INTEGER PRIMARY KEY,
            last INTEGER NOT NULL
        );
        CREATE TABLE topics (
            id INTEGER PRIMARY KEY,
            receipt TEXT NOT NULL UNIQUE,
            village_code TEXT NOT NULL REFERENCES villages(code),
            requester_id INTEGER NOT NULL REFERENCES users(user_id),
            category TEXT NOT NULL,
            text TEXT NOT NULL,
            media_kind TEXT CHECK (media_kind IN ('photo', 'voice')),
            media_file_id TEXT,
            status TEXT NOT NULL DEFAULT 'assigned'
                CHECK (status IN ('assigned', 'answered', 'declined', 'closed')),
            routed_to TEXT NOT NULL
                CHECK (routed_to IN ('route', 'head', 'officials', 'township')),
            assignee_id INTEGER,
            first_owner_id INTEGER,
            filed_at TEXT NOT NULL,
            cycle_start TEXT NOT NULL,
            due_date TEXT NOT NULL,
            extended INTEGER NOT NULL DEFAULT 0,
            reopened INTEGER NOT NULL DEFAULT 0,
            joint INTEGER NOT NULL DEFAULT 0,
            answer_id INTEGER,
            responded_at TEXT,
            first_responded_at TEXT,
            rating TEXT CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
            rated_at TEXT,
            closed_at TEXT,
            close_reason TEXT CHECK (close_reason IN ('rated', 'not_rated', 'escalated')),
            updated_at TEXT NOT NULL
        );
        CREATE INDEX topics_village ON topics(village_code, status, due_date);
        CREATE INDEX topics_requester ON topics(requester_id, filed_at);
        CREATE INDEX topics_assignee ON topics(assignee_id, status);
        CREATE TABLE topic_answers (
            id INTEGER PRIMARY KEY,
            topic_id INTEGER NOT NULL REFERENCES topics(id),
            kind TEXT NOT NULL CHECK (kind IN ('answer', 'decline')),
            reason TEXT,
            text TEXT NOT NULL,
            link TEXT,
            attachment_kind TEXT,
            attachment_file_id TEXT,
            by_user_id INTEGER NOT NULL,
            by_post TEXT NOT NULL,
            at TEXT NOT NULL,
            due_date TEXT NOT NULL,
            on_time INTEGER NOT NULL
        );
        CREATE INDEX topic_answers_topic ON topic_answers(topic_id);
        CREATE TABLE topic_supports (
            topic_id INTEGER NOT NULL REFERENCES topics(id),
            user_id INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (topic_id, user_id)
        );
        CREATE TABLE topic_extensions (
            id INTEGER PRIMARY KEY,
            topic_id INTEGER NOT NULL REFERENCES topics(id),
            requested_by INTEGER NOT NULL,
            days INTEGER NOT NULL,
            reason TEXT NOT NULL,
            requested_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'refused')),
            decided_by INTEGER,
            decided_at TEXT,
            new_due_date TEXT
        );
        CREATE INDEX topic_extensions_topic ON topic_extensions(topic_id, status);
        CREATE TABLE topic_urges (
            id INTEGER PRIMARY KEY,
            topic_id INTEGER NOT NULL REFERENCES topics(id),
            by_user_id INTEGER,
            note TEXT,
            at TEXT NOT NULL,
            auto_day TEXT,
            UNIQUE (topic_id, auto_day)
        );
        CREATE TABLE topic_routes (
            village_code TEXT NOT NULL REFERENCES villages(code),
            category TEXT NOT NULL,
            user_id INTEGER NOT NULL,
            set_by INTEGER NOT NULL,
            set_at TEXT NOT NULL,
            PRIMARY KEY (village_code, category)
        );
        CREATE TABLE topic_drafts (
            user_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            topic_id INTEGER,
            step TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL
        );
        CREATE TABLE calendar_overrides (
            day TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
            note TEXT,
            set_by INTEGER NOT NULL,
            set_at TEXT NOT NULL
        )
    """
    for statement in statements.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m002_disclosures(db: Database) -> None:
    """Disclosures with versions, rows, sign-offs, filing records, guided forms, subscriptions."""
    db.executescript(
        """
        CREATE TABLE disclosures (
            id INTEGER PRIMARY KEY,
            village_code TEXT NOT NULL REFERENCES villages(code),
            kind TEXT NOT NULL CHECK (kind IN ('finance', 'subsidy', 'notice')),
            category TEXT NOT NULL,
            period TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            major INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
                ('draft', 'in_review', 'approved', 'published', 'superseded')),
            version INTEGER NOT NULL DEFAULT 1,
            root_id INTEGER,
            supersedes_id INTEGER REFERENCES disclosures(id),
            superseded_by_id INTEGER REFERENCES disclosures(id),
            opening_fen INTEGER,
            closing_fen INTEGER,
            source_name TEXT,
            review_round INTEGER NOT NULL DEFAULT 0,
            reject_reason TEXT,
            changes TEXT,
            created_by INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            approved_at TEXT,
            publish_due_at TEXT,
            published_at TEXT
        );
        CREATE INDEX disclosures_village ON disclosures(village_code, status, period);
        CREATE INDEX disclosures_due ON disclosures(status, publish_due_at);
        CREATE UNIQUE INDEX disclosures_one_correction ON disclosures(supersedes_id)
            WHERE supersedes_id IS NOT NULL AND status != 'draft';
        CREATE TABLE disclosure_rows (
            id INTEGER PRIMARY KEY,
            disclosure_id INTEGER NOT NULL REFERENCES disclosures(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            section TEXT NOT NULL,
            data TEXT NOT NULL,
            amount_fen INTEGER NOT NULL DEFAULT 0,
            ytd_fen INTEGER
        );
        CREATE INDEX disclosure_rows_of ON disclosure_rows(disclosure_id, position);
        CREATE TABLE disclosure_signoffs (
            id INTEGER PRIMARY KEY,
            disclosure_id INTEGER NOT NULL REFERENCES disclosures(id),
            round INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
            reason TEXT,
            at TEXT NOT NULL,
            UNIQUE (disclosure_id, round, user_id)
        );
        CREATE TABLE disclosure_filings (
            id INTEGER PRIMARY KEY,
            disclosure_id INTEGER NOT NULL UNIQUE REFERENCES disclosures(id),
            village_code TEXT NOT NULL,
            drafted_by INTEGER NOT NULL,
            drafted_by_name TEXT NOT NULL,
            signed_by TEXT NOT NULL,
            published_at TEXT NOT NULL,
            checksum TEXT NOT NULL
        );
        CREATE TRIGGER disclosure_filings_no_update BEFORE UPDATE ON disclosure_filings
            BEGIN SELECT RAISE(ABORT, 'filing records are immutable'); END;
        CREATE TRIGGER disclosure_filings_no_delete BEFORE DELETE ON disclosure_filings
            BEGIN SELECT RAISE(ABORT, 'filing records are immutable'); END;
        CREATE TABLE disclosure_forms (
            user_id INTEGER PRIMARY KEY,
            step TEXT NOT NULL,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE disclosure_subscriptions (
            user_id INTEGER NOT NULL,
            village_code TEXT NOT NULL,
            category TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (user_id, village_code, category)
        );
        CREATE TABLE disclosure_reminders (
            key TEXT PRIMARY KEY,
            at TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE disclosure_search USING fts5(
            title, body, rows, tokenize = 'trigram'
        );
        """
    )


@migrations()
def m004_outbox_messages(db: Database) -> None:
    """Outbox rows hold a message (its kind and fields) and a file's bytes as a blob, not a Bot
    API call; rows queued before are converted."""
    db.execute("ALTER TABLE outbox RENAME COLUMN method TO kind")
    db.execute("ALTER TABLE outbox ADD COLUMN file BLOB")
    rows = db.execute("SELECT id, kind, payload FROM outbox").fetchall()
    for row_id, method, payload in rows:
        kind, fields, blob = _message_of_call(method, json.loads(payload))
        db.execute(
            "UPDATE outbox SET kind = ?, payload = ?, file = ? WHERE id = ?",
            [kind, json.dumps(fields, ensure_ascii=False), blob, row_id],
        )


def _message_of_call(method: str, p: dict) -> tuple[str, dict, bytes | None]:
    """An old row's Bot API call as the message it stood for (see bot.delivery.messages)."""
    buttons = [
        [
            {
                k: v
                for k, v in (
                    ("label", b["text"]),
                    ("data", b.get("callback_data")),
                    ("url", b.get("url")),
                )
                if v is not None
            }
            for b in row
        ]
        for row in (p.get("reply_markup") or {}).get("inline_keyboard", [])
    ]
    if method == "setMyCommands":
        commands = [[c["command"], c["description"]] for c in p["commands"]]
        everyone = (p.get("scope") or {}).get("type") == "all_private_chats"
        return (
            "menu",
            {
                "commands": commands,
                "everyone": everyone,
                "language_code": p.get("language_code") or "",
            },
            None,
        )
    if method in ("sendMessage", "editMessageText"):
        return (
            "text",
            {"text": p["text"], "buttons": buttons, "edit_message_id": p.get("message_id")},
            None,
        )
    kind = "photo" if method == "sendPhoto" else "document"
    source = p[kind]
    fields: dict = {"file_id": None, "caption": p.get("caption") or "", "buttons": buttons}
    if kind == "document":
        fields["filename"] = ""
    if isinstance(source, dict):  # a file stored inline, hex-encoded
        fields["filename"] = source["filename"]
        return kind, fields, bytes.fromhex(source["content_hex"])
    fields["file_id"] = source
    return kind, fields, None


@migrations()
def m005_forms(db: Database) -> None:
    """One table for every guided form, replacing topic_drafts and disclosure_forms."""
    db.executescript(
        """
        CREATE TABLE forms (
            user_id INTEGER NOT NULL,
            wing TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject_id INTEGER,
            step TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, wing)
        );
        INSERT INTO forms (user_id, wing, kind, subject_id, step, data, updated_at)
            SELECT user_id, 'topics', kind, topic_id, step, data, updated_at FROM topic_drafts;
        INSERT INTO forms (user_id, wing, kind, subject_id, step, data, updated_at)
            SELECT user_id, 'disclosures', 'disclosure', NULL, step, data, updated_at
            FROM disclosure_forms;
        DROP TABLE topic_drafts;
        DROP TABLE disclosure_forms;
        """
    )


@migrations()
def m006_topic_due_provisional(db: Database) -> None:
    """Whether a topic's due date counted days of a year without its official schedule."""
    db.execute("ALTER TABLE topics ADD COLUMN due_provisional INTEGER NOT NULL DEFAULT 0")


@migrations()
def m007_search_words(db: Database) -> None:
    """Search by words standing apart (光伏 and 分红 in 光伏电站分红): the trigram index becomes
    one of character pairs over pre-tokenised text, for disclosures and the wall alike, filled
    from what was public: the indexed disclosure texts and each topic with a current answer."""
    indexed = db.execute("SELECT rowid, title, body, rows FROM disclosure_search").fetchall()
    db.executescript(
        """
        DROP TABLE disclosure_search;
        CREATE VIRTUAL TABLE disclosure_search USING fts5(
            title UNINDEXED, body UNINDEXED, rows UNINDEXED, title_words, body_words, rows_words,
            tokenize = 'unicode61'
        );
        CREATE VIRTUAL TABLE wall_search USING fts5(
            question_words, answer_words, tokenize = 'unicode61'
        );
        """
    )
    for disclosure_id, title, body, rows in indexed:
        search_index.index_disclosure(db, disclosure_id, title, body, rows)
    posts = db.execute(
        "SELECT t.id, t.text, a.text FROM topics t JOIN topic_answers a ON a.id = t.answer_id"
    ).fetchall()
    for topic_id, question, answer in posts:
        search_index.index_wall_post(db, topic_id, question, answer)


@migrations()
def m008_roles_end(db: Database) -> None:
    """Member numbers are never given twice, and township staff can cancel an open invite."""
    db.executescript(
        """
        CREATE TABLE members_numbered (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(user_id),
            role TEXT NOT NULL CHECK (role IN ('resident', 'official', 'supervisor', 'township')),
            village_code TEXT REFERENCES villages(code),
            title TEXT,
            verified INTEGER NOT NULL DEFAULT 0,
            from_config INTEGER NOT NULL DEFAULT 0,
            joined_at TEXT NOT NULL,
            CHECK ((role = 'township') = (village_code IS NULL))
        );
        INSERT INTO members_numbered
            (id, user_id, role, village_code, title, verified, from_config, joined_at)
            SELECT id, user_id, role, village_code, title, verified, from_config, joined_at
            FROM members;
        DROP TABLE members;
        ALTER TABLE members_numbered RENAME TO members;
        CREATE UNIQUE INDEX members_one_role ON members(user_id, role, ifnull(village_code, ''));
        CREATE INDEX members_village ON members(village_code, role);
        -- Numbers already handed out and since removed are known from the audit trail.
        INSERT INTO sqlite_sequence (name, seq)
            SELECT 'members', 0
            WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'members');
        UPDATE sqlite_sequence SET seq = max(
            seq,
            coalesce((SELECT max(CAST(substr(subject, 8) AS INTEGER)) FROM audit_events
                      WHERE subject LIKE 'member:%'), 0),
            coalesce((SELECT max(id) FROM members), 0)
        ) WHERE name = 'members';
        ALTER TABLE invites ADD COLUMN cancelled_by INTEGER;
        ALTER TABLE invites ADD COLUMN cancelled_at TEXT;
        """
    )


@migrations()
def m009_broadcasts(db: Database) -> None:
    """Broadcasts in flight, for the publishing official's progress message."""
    db.executescript(
        """
        CREATE TABLE broadcasts (
            key_prefix TEXT PRIMARY KEY,
            chat_id INTEGER NOT NULL,
            language TEXT NOT NULL,
            total INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            shown INTEGER NOT NULL DEFAULT 0,
            edits INTEGER NOT NULL DEFAULT 0,
            finished_at TEXT
        );
        CREATE INDEX broadcasts_unfinished ON broadcasts(finished_at);
        """
    )


@migrations()
def m010_outbox_chat_pending(db: Database) -> None:
    """A chat's pending messages are found without reading the whole outbox (held back by
    pacing, or dropped when the person blocks the bot)."""
    db.execute("CREATE INDEX outbox_chat_pending ON outbox(chat_id) WHERE status = 'pending'")


@migrations()
def m011_answer_templates(db: Database) -> None:
    """Reusable answer texts an official keeps for their village (/templates)."""
    db.executescript(
        """
        CREATE TABLE answer_templates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            village_code TEXT NOT NULL REFERENCES villages(code),
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            created_by INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX answer_templates_village ON answer_templates(village_code, id);
        """
    )


@migrations()
def m012_board_photos(db: Database) -> None:
    """Photos of the paper board with the printed poster (张贴照片), each linked to the
    published disclosure it proves; the bytes are capped and only JPEG or PNG."""
    db.executescript(
        """
        CREATE TABLE board_photos (
            id INTEGER PRIMARY KEY,
            disclosure_id INTEGER NOT NULL REFERENCES disclosures(id),
            village_code TEXT NOT NULL REFERENCES villages(code),
            content BLOB NOT NULL CHECK (length(content) <= 5000000),
            mime_type TEXT NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png')),
            taken_at TEXT NOT NULL,
            taken_from TEXT NOT NULL CHECK (taken_from IN ('exif', 'received')),
            received_at TEXT NOT NULL,
            sent_by INTEGER NOT NULL
        );
        CREATE INDEX board_photos_disclosure ON board_photos(disclosure_id, id);
        """
    )


@migrations()
def m013_tamper_evidence(db: Database) -> None:
    """SEC-11: filing records chained by hash (backfilled in filing order); published versions,
    their rows, filing records and audit events can be neither changed nor deleted."""
    db.executescript(
        """
        ALTER TABLE disclosure_filings ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE disclosure_filings ADD COLUMN hash TEXT NOT NULL DEFAULT '';
        DROP TRIGGER disclosure_filings_no_update;
        """
    )
    prev_hash = GENESIS
    for row in list(db.query("SELECT * FROM disclosure_filings ORDER BY id")):
        record_hash = chain_hash(prev_hash, row)
        db.execute(
            "UPDATE disclosure_filings SET prev_hash = ?, hash = ? WHERE id = ?",
            [prev_hash, record_hash, row["id"]],
        )
        prev_hash = record_hash
    db.executescript(
        """
        CREATE TRIGGER disclosure_filings_no_update BEFORE UPDATE ON disclosure_filings
            BEGIN SELECT RAISE(ABORT, 'filing records are immutable'); END;
        -- A published version may only become superseded, once; its content never changes.
        CREATE TRIGGER disclosures_published_frozen BEFORE UPDATE ON disclosures
            WHEN OLD.status IN ('published', 'superseded') AND (
                NEW.status NOT IN ('published', 'superseded')
                OR (OLD.status = 'superseded' AND NEW.status != 'superseded')
                OR (OLD.superseded_by_id IS NOT NULL
                    AND NEW.superseded_by_id IS NOT OLD.superseded_by_id)
                OR NEW.village_code IS NOT OLD.village_code OR NEW.kind IS NOT OLD.kind
                OR NEW.category IS NOT OLD.category OR NEW.period IS NOT OLD.period
                OR NEW.title IS NOT OLD.title OR NEW.body IS NOT OLD.body
                OR NEW.version IS NOT OLD.version OR NEW.root_id IS NOT OLD.root_id
                OR NEW.supersedes_id IS NOT OLD.supersedes_id
                OR NEW.opening_fen IS NOT OLD.opening_fen
                OR NEW.closing_fen IS NOT OLD.closing_fen
                OR NEW.created_by IS NOT OLD.created_by
                OR NEW.published_at IS NOT OLD.published_at
                OR NEW.changes IS NOT OLD.changes)
            BEGIN SELECT RAISE(ABORT, 'published disclosures are immutable'); END;
        CREATE TRIGGER disclosures_published_no_delete BEFORE DELETE ON disclosures
            WHEN OLD.status IN ('published', 'superseded')
            BEGIN SELECT RAISE(ABORT, 'published disclosures are immutable'); END;
        CREATE TRIGGER disclosure_rows_published_no_insert BEFORE INSERT ON disclosure_rows
            WHEN (SELECT status FROM disclosures WHERE id = NEW.disclosure_id)
                IN ('published', 'superseded')
            BEGIN SELECT RAISE(ABORT, 'published disclosures are immutable'); END;
        CREATE TRIGGER disclosure_rows_published_no_update BEFORE UPDATE ON disclosure_rows
            WHEN (SELECT status FROM disclosures WHERE id = OLD.disclosure_id)
                IN ('published', 'superseded')
            BEGIN SELECT RAISE(ABORT, 'published disclosures are immutable'); END;
        CREATE TRIGGER disclosure_rows_published_no_delete BEFORE DELETE ON disclosure_rows
            WHEN (SELECT status FROM disclosures WHERE id = OLD.disclosure_id)
                IN ('published', 'superseded')
            BEGIN SELECT RAISE(ABORT, 'published disclosures are immutable'); END;
        """
    )


@migrations()
def m014_proxy_filing(db: Database) -> None:
    """A topic filed for a resident without a phone (代办): who filed it, for whom (a name kept
    private: never published) and how the resident consented."""
    db.executescript(
        """
        ALTER TABLE topics ADD COLUMN filed_by INTEGER REFERENCES users(user_id);
        ALTER TABLE topics ADD COLUMN proxy_for_name TEXT;
        ALTER TABLE topics ADD COLUMN proxy_consent TEXT;
        """
    )


@migrations()
def m015_household_of_verified_residents(db: Database) -> None:
    """The household (户主姓名) and village group (村民小组) an official records when verifying a
    resident, so the resident can look up their own household's subsidy lines."""
    db.executescript(
        """
        ALTER TABLE members ADD COLUMN household TEXT;
        ALTER TABLE members ADD COLUMN village_group TEXT;
        """
    )


@migrations()
def m016_topic_disclosure_lines(db: Database) -> None:
    """A topic asked about a published disclosure (or one line of its table), and whether it
    was filed within that disclosure's objection window (异议期)."""
    db.executescript(
        """
        CREATE TABLE topic_disclosure_lines (
            topic_id INTEGER PRIMARY KEY REFERENCES topics(id),
            disclosure_id INTEGER NOT NULL REFERENCES disclosures(id),
            row_id INTEGER REFERENCES disclosure_rows(id),
            in_window INTEGER NOT NULL DEFAULT 0 CHECK (in_window IN (0, 1)),
            window_ends TEXT NOT NULL
        );
        CREATE INDEX topic_disclosure_lines_of ON topic_disclosure_lines(disclosure_id, row_id);
        """
    )


@migrations()
def m017_topic_followers(db: Database) -> None:
    """A neighbour already asked this (issue 13 §2): every topic's words indexed (character
    pairs) to find a similar one at filing, and the residents who follow another's topic."""
    db.executescript(
        """
        CREATE VIRTUAL TABLE topic_words USING fts5(words, tokenize = 'unicode61');
        CREATE TABLE topic_followers (
            topic_id INTEGER NOT NULL REFERENCES topics(id),
            user_id INTEGER NOT NULL REFERENCES users(user_id),
            at TEXT NOT NULL,
            PRIMARY KEY (topic_id, user_id)
        );
        """
    )
    for topic_id, text in db.execute("SELECT id, text FROM topics").fetchall():
        db.execute(
            "INSERT INTO topic_words (rowid, words) VALUES (?, ?)",
            [topic_id, search_index.index_words(text)],
        )


@migrations()
def m018_townships_of_a_county(db: Database) -> None:
    """A whole county on one instance (issue 13 §1): townships, each village's township, the
    township of township staff (and of their invites), and the county role reading them all.

    Changing the role CHECK needs a rebuild of `members`; ids and the number sequence are kept
    so member numbers in the audit trail still name the same roles."""
    sequence = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'members'").fetchone()
    db.executescript(
        """
        CREATE TABLE townships (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        ALTER TABLE villages ADD COLUMN township_code TEXT REFERENCES townships(code);
        CREATE INDEX villages_township ON villages(township_code, code);
        ALTER TABLE invites ADD COLUMN township_code TEXT REFERENCES townships(code);
        CREATE TABLE members_of_county (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(user_id),
            role TEXT NOT NULL
                CHECK (role IN ('resident', 'official', 'supervisor', 'township', 'county')),
            village_code TEXT REFERENCES villages(code),
            title TEXT,
            verified INTEGER NOT NULL DEFAULT 0,
            from_config INTEGER NOT NULL DEFAULT 0,
            joined_at TEXT NOT NULL,
            household TEXT,
            village_group TEXT,
            township_code TEXT REFERENCES townships(code),
            CHECK ((role IN ('township', 'county')) = (village_code IS NULL)),
            CHECK (role = 'township' OR township_code IS NULL)
        );
        INSERT INTO members_of_county
            (id, user_id, role, village_code, title, verified, from_config, joined_at,
             household, village_group)
            SELECT id, user_id, role, village_code, title, verified, from_config, joined_at,
                   household, village_group
            FROM members;
        DROP TABLE members;
        ALTER TABLE members_of_county RENAME TO members;
        CREATE UNIQUE INDEX members_one_role ON members(user_id, role, ifnull(village_code, ''));
        CREATE INDEX members_village ON members(village_code, role);
        CREATE INDEX members_township ON members(township_code, role);
        """
    )
    if sequence is not None:
        db.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'members'", [sequence[0]]
        )


@migrations()
def m019_county_read_indexes(db: Database) -> None:
    """Reads that stay index lookups at county scale (issue 12 §3): topics by filing time and
    due date, open topics and public disclosures counted per village from one index, the wall
    newest answer first, and a village's people counted by role."""
    db.executescript(
        """
        CREATE INDEX topics_filed ON topics(filed_at);
        CREATE INDEX topics_village_filed ON topics(village_code, filed_at);
        CREATE INDEX topics_due ON topics(due_date);
        CREATE INDEX topics_village_due ON topics(village_code, due_date);
        CREATE INDEX topics_status ON topics(status, village_code, due_date);
        CREATE INDEX topics_responded ON topics(status, responded_at);
        CREATE INDEX topics_closed ON topics(close_reason, closed_at);
        CREATE INDEX topic_answers_newest ON topic_answers(at, id);
        CREATE INDEX disclosures_public ON disclosures(status, village_code, kind, published_at);
        CREATE INDEX members_village_people ON members(village_code, role, user_id);
        CREATE INDEX topic_urges_auto_day ON topic_urges(auto_day);
        """
    )


@migrations()
def m020_county_figure_indexes(db: Database) -> None:
    """County-wide topic figures counted in SQL (issue 12 §3): urges read by time."""
    db.executescript(
        """
        CREATE INDEX topic_urges_at ON topic_urges(at, topic_id, auto_day);
        """
    )


@migrations()
def m021_data_version(db: Database) -> None:
    """The data version the web's page cache keys on (issue 12): triggers raise it whenever a
    table a public page reads changes, whichever process writes."""
    data_version.install(db)


_FIGURE_MARK = (
    "INSERT INTO figure_versions (village_code, version) {source} "
    "ON CONFLICT (village_code) DO UPDATE SET version = excluded.version;"
)
# What the per-village topic figures and scores read from topics (storage/topic_figures.py,
# storage/score_inputs.py).
_FIGURE_COLUMNS = (
    "village_code, filed_at, first_responded_at, responded_at, answer_id, status, due_date, "
    "rating, close_reason, category, filed_by"
)


def _figure_mark(village: str, when: str = "") -> str:
    return _FIGURE_MARK.format(source=f"SELECT {village}, randomblob(8) WHERE true{when}")


def _mark_topic_of(row: str) -> str:
    """Mark the village of the topic an answer or urge belongs to."""
    source = f"SELECT village_code, randomblob(8) FROM topics WHERE id = {row}.topic_id"
    return _FIGURE_MARK.format(source=source)


def _mark_disclosure_of(row: str) -> str:
    """Mark the village of the disclosure a sign-off belongs to."""
    source = f"SELECT village_code, randomblob(8) FROM disclosures WHERE id = {row}.disclosure_id"
    return _FIGURE_MARK.format(source=source)


_OWN_VILLAGE = {
    "topic_answers": _mark_topic_of,
    "topic_urges": _mark_topic_of,
    "disclosure_signoffs": _mark_disclosure_of,
    "disclosures": lambda row: _figure_mark(f"{row}.village_code"),
    "board_photos": lambda row: _figure_mark(f"{row}.village_code"),
}


@migrations()
def m022_village_figure_versions(db: Database) -> None:
    """A version per village of what its topic figures and score are counted from (issue 12
    §3): every change to a topic, its answer or urges, a disclosure, its sign-offs or board
    photos gives the village a new random version in the change's own transaction, so figures
    remembered for an older version are counted again.
    Random, not a counter: a rolled-back change cannot hand an old number to new content. The
    row with code '' tells this database apart from another one."""
    db.executescript(
        f"""
        CREATE TABLE figure_versions (
            village_code TEXT PRIMARY KEY,
            version BLOB NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO figure_versions VALUES ('', randomblob(8));
        CREATE TRIGGER topics_figures_insert AFTER INSERT ON topics BEGIN
            {_figure_mark("NEW.village_code")}
        END;
        CREATE TRIGGER topics_figures_update AFTER UPDATE OF {_FIGURE_COLUMNS} ON topics BEGIN
            {_figure_mark("NEW.village_code")}
            {_figure_mark("OLD.village_code", " AND OLD.village_code IS NOT NEW.village_code")}
        END;
        CREATE TRIGGER topics_figures_delete AFTER DELETE ON topics BEGIN
            {_figure_mark("OLD.village_code")}
        END;
        """
    )
    for table, mark in _OWN_VILLAGE.items():
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            db.execute(
                f"CREATE TRIGGER {table}_figures_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {mark(row)} END"
            )
    # Pages read it (which villages to count again): the page cache's version watches it too.
    data_version.watch(db, "figure_versions")


@migrations()
def m023_per_village_page_indexes(db: Database) -> None:
    """A disclosure's later versions found by their root, and the county's newest
    publications by time, a village's answered topics (issue 12: one item's page reads its own
    versions, the county feed the fifty it lists, a village's wall its own page of topics)."""
    db.executescript(
        """
        CREATE INDEX disclosures_root ON disclosures(root_id, version);
        CREATE INDEX disclosures_published ON disclosures(published_at);
        CREATE INDEX topics_village_answer ON topics(village_code, answer_id);
        """
    )


_GROUP_MARK = (
    "INSERT INTO group_versions (code, version) SELECT {code}, randomblob(8) WHERE {code} "
    "IS NOT NULL ON CONFLICT (code) DO UPDATE SET version = excluded.version;"
)


def _group_marks(*codes: str) -> str:
    """Give the county and these townships (SQL expressions, NULL: none) a new version."""
    return "".join(
        _GROUP_MARK.format(code=code) for code in (f"'{figure_versions.COUNTY}'", *codes)
    )


def _township_of(row: str) -> str:
    return f"(SELECT township_code FROM villages WHERE code = {row}.village_code)"


@migrations()
def m026_group_figure_versions(db: Database) -> None:
    """A version of the county's and of each township's figures (issue 12 §3): whenever one
    of its villages' versions moves (m022), or a village or township joins, leaves or moves,
    the county and that township get a new random version in the change's own transaction,
    so their sums, remembered under it, are checked in one read and summed again only for the
    township that changed. Random for the same reason as m022."""
    db.execute(
        "CREATE TABLE group_versions (code TEXT PRIMARY KEY, version BLOB NOT NULL) WITHOUT ROWID"
    )
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        db.execute(
            f"CREATE TRIGGER figure_versions_groups_{event.lower()} AFTER {event} ON "
            f"figure_versions WHEN {row}.village_code <> '' BEGIN "
            f"{_group_marks(_township_of(row))} END"
        )
    # What a township's figures are made of: its active villages, its name and its being active.
    village_moved = "OLD.township_code IS NOT NEW.township_code OR OLD.active IS NOT NEW.active"
    township_moved = "OLD.name IS NOT NEW.name OR OLD.active IS NOT NEW.active"
    for table, moved, code in (
        ("villages", village_moved, "township_code"),
        ("townships", township_moved, "code"),
    ):
        db.executescript(
            f"""
            CREATE TRIGGER {table}_groups_insert AFTER INSERT ON {table} BEGIN
                {_group_marks(f"NEW.{code}")}
            END;
            CREATE TRIGGER {table}_groups_update AFTER UPDATE ON {table} WHEN {moved} BEGIN
                {_group_marks(f"OLD.{code}", f"NEW.{code}")}
            END;
            CREATE TRIGGER {table}_groups_delete AFTER DELETE ON {table} BEGIN
                {_group_marks(f"OLD.{code}")}
            END;
            """
        )
    data_version.watch(db, "group_versions")


@migrations()
def m027_member_figure_versions(db: Database) -> None:
    """A village's version moves when someone joins, leaves or changes role in it too (issue
    12): a township's index shows each village's residents and staff, 20,000 members to count
    on every page otherwise; now counted once per village version like its topic figures."""
    mark = {
        row: _figure_mark(f"{row}.village_code", f" AND {row}.village_code IS NOT NULL")
        for row in ("NEW", "OLD")
    }
    moved = _figure_mark(
        "OLD.village_code",
        " AND OLD.village_code IS NOT NULL AND OLD.village_code IS NOT NEW.village_code",
    )
    db.executescript(
        f"""
        CREATE TRIGGER members_figures_insert AFTER INSERT ON members BEGIN {mark["NEW"]} END;
        CREATE TRIGGER members_figures_update AFTER UPDATE OF user_id, role, village_code
            ON members BEGIN {mark["NEW"]} {moved} END;
        CREATE TRIGGER members_figures_delete AFTER DELETE ON members BEGIN {mark["OLD"]} END;
        """
    )


@migrations()
def m028_drop_topic_words(db: Database) -> None:
    """The neighbour check counts words in the village's recent texts (issue 12): the words
    index m017 made is no longer read or written, and a county's copy of it is dropped."""
    db.execute("DROP TABLE IF EXISTS topic_words")


@migrations()
def m029_village_names_move_groups(db: Database) -> None:
    """A village's new name gives its township and the county a new version too (issue 12):
    their totals kept whole (figure_totals) show the names, and the county's are now checked
    by its one group version instead of every village's code, name and version."""
    moved = (
        "OLD.township_code IS NOT NEW.township_code OR OLD.active IS NOT NEW.active "
        "OR OLD.name IS NOT NEW.name"
    )
    db.executescript(
        f"""
        DROP TRIGGER villages_groups_update;
        CREATE TRIGGER villages_groups_update AFTER UPDATE ON villages WHEN {moved} BEGIN
            {_group_marks("OLD.township_code", "NEW.township_code")}
        END;
        """
    )
