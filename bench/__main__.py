"""Run every benchmark: `make bench` (or `python -m bench`)."""

import asyncio

from bench import inbox_throughput

if __name__ == "__main__":
    asyncio.run(inbox_throughput.main())
