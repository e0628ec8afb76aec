"""Telegram handlers for disclosures: drafting, import, review, reading, residents."""
