"""Versioned schema migrations, applied at start; each runs once, in order."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

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
