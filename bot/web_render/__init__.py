"""Rendering for the public web board: page templates, language choice, QR codes, view models.

Nothing here knows HTTP: `handlers/web/` parses requests, calls these, and sends the result.
"""
