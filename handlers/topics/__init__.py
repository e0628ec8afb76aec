"""Telegram handlers for point-topic requests, by who uses them."""
