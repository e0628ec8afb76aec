"""Regenerate the shipped slim reference: `python -m bot.sandbox.emulator bot-api-10.1.json`."""

import json
import sys
from pathlib import Path

from bot.sandbox.emulator.reference import SHIPPED, slim

source = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
text = json.dumps(slim(source), ensure_ascii=False, separators=(",", ":"))
SHIPPED.write_text(text + "\n", encoding="utf-8")
