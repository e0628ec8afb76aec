"""The shared core both wings (disclosures and topics) build on: periods, cursors and pages,
timelines, villages and local time. It imports neither wing."""
