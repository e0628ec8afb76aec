"""Disclosures (村务公开事项): drafting, import, sign-off, publication, corrections, archive."""
