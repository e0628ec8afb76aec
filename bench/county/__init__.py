"""County scale: a generated county database (300 villages) against one village of the same
density, the web against a bare aiohttp floor, the township commands, memory, start, blocking
and search."""
