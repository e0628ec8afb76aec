"""A third-party Bot API emulator (npm telegram-test-api) and its Python driver."""
