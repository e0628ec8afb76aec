"""The bot's domain, delivery and rendering. `storage` is imported first: it loads sqlite-utils
the lean way before any module here imports it."""

import storage  # noqa: F401
