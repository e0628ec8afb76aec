"""Command line and wiring: serve (default), sandbox, backup, verify, check-config."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Config, ConfigError, check_config_main, load_config
from bot.delivery.direct_calls import DirectCallRetry
from bot.delivery.inbox import UpdateInbox
from bot.delivery.outbox_worker import OutboxWorker
from bot.delivery.polling import Poller
from bot.services import notify
from bot.services.bundle import Services
from bot.services.disclosures.tamper_check import first_break
from handlers import web as web_handlers
from handlers.common import SERVICES
from handlers.registry import register
from storage.db import CorruptDatabase, Store
from storage.times import utcnow

log = logging.getLogger("village_bot")
TICK_SECONDS = 60
EXIT_CORRUPT = 3  # the database failed its integrity check at start
EXIT_TAMPERED = 4  # `verify` found a published version or filing record changed


class Runtime:
    """One process, one asyncio loop: the Telegram application, inbox, outbox, web and scheduler."""

    def __init__(self, config: Config, *, sandbox_api: str | None = None) -> None:
        # PTB's future behaviour (retry_after as a timedelta) instead of a warning per 429.
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        self.config = config
        self.sandbox_api = sandbox_api  # the emulator's origin: enables /sandbox
        self.store = Store(config.storage.path)
        self.services = Services.build(config, self.store)
        self.application: Application = self._build_application()
        bot = self.application.bot
        self.inbox = UpdateInbox(self.store, bot, self.application.process_update)
        self.outbox = OutboxWorker(self.store, bot, config.outbox)
        self.store.on_commit.append(self.outbox.wake)
        self.poller = Poller(bot, self.inbox, timeout=config.telegram.poll_timeout)
        self.web_runner: web.AppRunner | None = None
        self.web_port: int | None = None
        self._tasks: list[asyncio.Task] = []

    def _build_application(self) -> Application:
        telegram = self.config.telegram
        builder = (
            ApplicationBuilder()
            .token(telegram.token)
            .updater(None)  # our own poller stores each update before confirming it (DESIGN §7)
            .rate_limiter(DirectCallRetry())
            .defaults(Defaults(tzinfo=self.config.township.tz))  # the scheduler's time zone
        )
        if telegram.base_url:
            builder = builder.base_url(telegram.base_url)
        if telegram.base_file_url:
            builder = builder.base_file_url(telegram.base_file_url)
        application = builder.build()
        application.bot_data[SERVICES] = self.services
        register(application)
        return application

    async def start(self) -> None:
        """Start everything; returns once the bot is polling (or its webhook is set)."""
        self.services.membership.sync_config()
        await self.application.initialize()
        await self.application.start()
        self.application.job_queue.run_repeating(self._tick, interval=TICK_SECONDS, first=1)
        await self._start_web()
        with self.store.transaction() as db:
            notify.default_menus(
                db, f"start:{utcnow().isoformat()}", self.config.township.default_language
            )
        bot = self.application.bot
        telegram = self.config.telegram
        if telegram.mode == "webhook":
            await bot.set_webhook(
                telegram.webhook_url,
                secret_token=telegram.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            self._tasks.append(asyncio.create_task(self.poller.run(), name="poller"))
        self._tasks.append(asyncio.create_task(self.inbox.run(), name="inbox"))
        self._tasks.append(asyncio.create_task(self.outbox.run(), name="outbox"))
        log.info("bot @%s is up (%s)", bot.username, telegram.mode)

    async def _tick(self, context: object) -> None:
        """Run the scheduled checks (publication, reminders, deadlines); each is idempotent."""
        self.services.ticker.run(utcnow())

    async def _start_web(self) -> None:
        # initialize() has asked getMe, so the username for join links is known here.
        context = web_handlers.WebContext(
            bot_username=self.application.bot.username or "", sandbox_api=self.sandbox_api
        )
        app = web_handlers.make_app(self.services, self.inbox, context)
        self.web_runner = web.AppRunner(app, access_log=None)
        await self.web_runner.setup()
        site = web.TCPSite(self.web_runner, self.config.web.host, self.config.web.port)
        await site.start()
        self.web_port = self.web_runner.addresses[0][1]
        log.info("web on http://%s:%s", self.config.web.host, self.web_port)

    async def stop(self) -> None:
        """Stop in order: no new updates, finish the one in hand, stop sending, close."""
        self.poller.stop()
        self.inbox.stop()
        self.outbox.stop()
        for task in self._tasks:
            if task.get_name() == "poller":
                task.cancel()  # a long poll may take its full timeout; its batch is stored or not
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        if self.web_runner:
            await self.web_runner.cleanup()
        self.store.close()


async def serve(config: Config) -> None:
    """Run until SIGINT or SIGTERM, then shut down cleanly."""
    runtime = Runtime(config)
    await runtime.start()
    await _until_signalled(runtime)


async def serve_sandbox(base: Config | None) -> None:
    """The whole system on loopback against the emulator, with the demo township."""
    from bot.sandbox.demo import seed
    from bot.sandbox.environment import banner, sandbox

    async with sandbox(base) as (config, emulator):
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        seed(runtime.services)
        print(banner(config, emulator, runtime.web_port), flush=True)
        await _until_signalled(runtime)


async def _until_signalled(runtime: Runtime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await runtime.stop()


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(description="Village affairs disclosure bot (村务公开)")
    parser.add_argument("--config", default="config.toml", help="path of the TOML config file")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot, web server and scheduler (default)")
    sub.add_parser("sandbox", help="run everything on loopback against the Bot API emulator")
    backup = sub.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("destination")
    sub.add_parser("verify", help="re-hash every published version and the filing chain")
    check = sub.add_parser("check-config", help="validate a config file: exit 0 or 2")
    check.add_argument("path", nargs="?")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    if args.command == "check-config":
        return check_config_main(args.path or args.config)
    config_path = Path(args.config)
    if args.command in (None, "serve", "sandbox") and not config_path.exists():
        log.info("no %s: starting the sandbox", config_path)
        asyncio.run(serve_sandbox(None))
        return 0
    try:
        config = load_config(config_path)
    except ConfigError as error:
        print(f"config error: {error}", file=sys.stderr)
        return 2
    try:
        return _run(args.command, args, config)
    except CorruptDatabase as error:
        print(
            f"database check failed: {error}\n"
            "The bot will not run on a damaged database. Restore the latest backup "
            "(see README, Deployment) and start again.",
            file=sys.stderr,
        )
        return EXIT_CORRUPT


def _run(command: str | None, args: argparse.Namespace, config: Config) -> int:
    """Run a command that opens the database (CorruptDatabase when it fails its check)."""
    if command == "backup":
        store = Store(config.storage.path)
        store.backup(args.destination)
        store.close()
        print(f"backup written to {args.destination}")
        return 0
    if command == "verify":
        return verify(config)
    if command == "sandbox" or not config.telegram.has_token:
        log.info("starting the sandbox (no Telegram token configured, or asked for)")
        asyncio.run(serve_sandbox(config))
        return 0
    asyncio.run(serve(config))
    return 0


def verify(config: Config) -> int:
    """SEC-11: re-hash every published version and the filing chain; name the first break."""
    store = Store(config.storage.path)
    try:
        found = first_break(store.db)
    finally:
        store.close()
    if found is None:
        print("verify: every published version and filing record is intact")
        return 0
    print(
        f"verify: first break at disclosure {found.disclosure_id}: {found.explanation}",
        file=sys.stderr,
    )
    return EXIT_TAMPERED


if __name__ == "__main__":
    sys.exit(main())
