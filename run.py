"""Command line and wiring: serve (default), sandbox, backup, restore, verify, check-config."""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import signal
import sys
from pathlib import Path

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Config, ConfigError, check_config_main, load_config
from bot.core import search_terms
from bot.delivery.aiohttp_request import AiohttpRequest
from bot.delivery.broadcast_progress import BroadcastProgress
from bot.delivery.direct_calls import DirectCallRetry
from bot.delivery.log_secrets import hide_secrets
from bot.delivery.outbox_worker import OutboxWorker
from bot.delivery.polling import Poller
from bot.delivery.update_inbox import UpdateInbox
from bot.delivery.update_json import UpdatesRequest
from bot.heavy_work import Busy
from bot.services import notify
from bot.services.bundle import Services
from bot.services.disclosures.tamper_check import first_break
from bot.services.figure_warmup import FigureWarmup
from bot.web_render import templates
from handlers import web as web_handlers
from handlers.common import SERVICES
from handlers.errors import apologise_unreadable
from handlers.registry import register
from handlers.web.read_timeouts import body_read_timeout, runner_options
from storage.db import Store
from storage.integrity import CorruptDatabase
from storage.restore import BadBackup, restore
from storage.times import utcnow

log = logging.getLogger("village_bot")
TICK_SECONDS = 60
EXIT_CORRUPT = 3  # the database failed its integrity check at start
EXIT_TAMPERED = 4  # `verify` found a published version or filing record changed
ACCESS_LOG = 'request="%r" status=%s bytes=%b seconds=%Tf'


class Runtime:
    """One process, one asyncio loop: the Telegram application, inbox, outbox, web and scheduler."""

    def __init__(self, config: Config, *, sandbox_api: str | None = None) -> None:
        # PTB's future behaviour (retry_after as a timedelta) instead of a warning per 429.
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        self.config = config
        self.sandbox_api = sandbox_api  # the emulator's origin: enables /sandbox
        self.store = Store(config.storage.path)
        self.services = Services.build(config, self.store)
        self.warmup = FigureWarmup(self.services.ctx)
        self.application: Application = self._build_application()
        bot = self.application.bot
        self._updates_request.bot = bot  # it builds each update once, with the bot
        self.inbox = UpdateInbox(
            self.store,
            bot,
            self.application.process_update,
            apologise=functools.partial(apologise_unreadable, self.services),
        )
        self.outbox = OutboxWorker(self.store, bot, config.outbox)
        self.broadcasts = BroadcastProgress(self.store, config.progress)
        self.store.on_commit.append(self.outbox.wake)
        self.inbox.on_accept.append(self.outbox.someone_wrote)
        self.poller = Poller(
            bot, self.inbox, self._updates_request, timeout=config.telegram.poll_timeout
        )
        self.web_runner: web.AppRunner | None = None
        self.web_port: int | None = None
        self._tasks: list[asyncio.Task] = []

    def _build_application(self) -> Application:
        telegram = self.config.telegram
        self._updates_request = UpdatesRequest(connection_pool_size=1)
        builder = (
            ApplicationBuilder()
            .token(telegram.token)
            .updater(None)  # our own poller stores each update before confirming it (DESIGN §7)
            .request(AiohttpRequest())
            .get_updates_request(self._updates_request)
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
        # Before anything is served: the figures the first pages ask for (counted in the worker),
        # the word dictionary every filing cuts its words with (the neighbour check) and the
        # pages' templates. Loaded later, beside the loop, they would hold the loop's thread
        # from the GIL for a good part of a second.
        await asyncio.gather(
            self._warm_figures(),
            asyncio.to_thread(search_terms.warm),
            asyncio.to_thread(templates.compile_all),
        )
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
        self._tasks.append(asyncio.create_task(self.broadcasts.run(), name="broadcasts"))
        log.info("bot @%s is up (%s)", bot.username, telegram.mode)

    async def _tick(self, context: object) -> None:
        """Run the scheduled checks (publication, reminders, deadlines); each is idempotent.
        What the day or the checks made stale is counted in the worker, after every slice of a
        long check and at the end, not by a page."""
        await self.services.ticker.run_on_loop(utcnow(), catch_up=self._warm_figures)
        await self._warm_figures()

    async def _warm_figures(self) -> None:
        """Count the villages' stale figures in the worker; when it is busy or fails, a page
        counts what it needs (the next tick tries again)."""
        try:
            await self.services.heavy.run(self.warmup.warm)
        except Busy:
            pass
        except Exception:
            log.exception("counting the villages' figures in the worker failed")

    async def _start_web(self) -> None:
        # initialize() has asked getMe, so the username for join links is known here.
        context = web_handlers.WebContext(
            bot_username=self.application.bot.username or "",
            sandbox_api=self.sandbox_api,
            loops=self.loops,
        )
        app = web_handlers.make_app(self.services, self.inbox, context)
        settings = self.config.web
        app.middlewares.append(body_read_timeout(settings.body_timeout_seconds))
        # One line per request: what was asked, the answer's status, size and time taken.
        self.web_runner = web.AppRunner(
            app,
            access_log=logging.getLogger("village_bot.web"),
            access_log_format=ACCESS_LOG,
            **runner_options(settings),
        )
        await self.web_runner.setup()
        site = web.TCPSite(self.web_runner, self.config.web.host, self.config.web.port)
        await site.start()
        self.web_port = self.web_runner.addresses[0][1]
        log.info("web on http://%s:%s", self.config.web.host, self.web_port)

    def loops(self) -> dict[str, bool]:
        """Whether each loop this mode needs (poller, inbox, outbox) is running, for /healthz."""
        names = ["inbox", "outbox"]
        if self.config.telegram.mode != "webhook":
            names.insert(0, "poller")
        running = {task.get_name() for task in self._tasks if not task.done()}
        return {name: name in running for name in names}

    async def stop(self) -> None:
        """Stop in order: no new updates, finish the one in hand, stop sending, close.

        The database is closed whatever fails on the way.
        """
        try:
            await self._stop_loops()
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
            if self.web_runner:
                await self.web_runner.cleanup()
            self.services.heavy.close()
        finally:
            # Off the loop: the close checks the whole file for the next start (storage.integrity).
            await asyncio.to_thread(self.store.close)

    async def _stop_loops(self) -> None:
        self.poller.stop()
        self.inbox.stop()
        self.outbox.stop()
        self.broadcasts.stop()
        for task in self._tasks:
            if task.get_name() == "poller":
                task.cancel()  # a long poll may take its full timeout; its batch is stored or not
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
            except Exception:  # a loop that died earlier; /healthz has been saying so
                log.exception("the %s loop had stopped with an error", task.get_name())


async def serve(config: Config) -> None:
    """Run until SIGINT or SIGTERM, then shut down cleanly."""
    # Built off the loop: the database's integrity check and migrations (a second on a county's
    # file) and the HTTP clients' TLS set-up would hold it before anything is served.
    runtime = await asyncio.to_thread(Runtime, config)
    await runtime.start()
    await _until_signalled(runtime)


async def serve_sandbox(base: Config | None) -> None:
    """The whole system on loopback against the emulator, with the demo township."""
    from bot.sandbox.demo import seed
    from bot.sandbox.environment import banner, sandbox

    async with sandbox(base) as (config, emulator):
        runtime = await asyncio.to_thread(Runtime, config, sandbox_api=emulator.url)
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


def restore_main(backup: str, database: str) -> int:
    """Put a backup in place of the database: exit 0, or 2 when the backup is unusable."""
    try:
        restore(backup, database)
    except BadBackup as error:
        print(f"restore refused: {error}", file=sys.stderr)
        return 2
    print(f"restored {database} from {backup}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(description="Village affairs disclosure bot (村务公开)")
    parser.add_argument("--config", default="config.toml", help="path of the TOML config file")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the bot, web server and scheduler (default)")
    sub.add_parser("sandbox", help="run everything on loopback against the Bot API emulator")
    backup = sub.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("destination")
    restore = sub.add_parser("restore", help="replace the database with a backup (bot stopped)")
    restore.add_argument("backup")
    sub.add_parser("verify", help="re-hash every published version and the filing chain")
    check = sub.add_parser("check-config", help="validate a config file: exit 0 or 2")
    check.add_argument("path", nargs="?")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

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
    hide_secrets(config.telegram.token, config.telegram.webhook_secret, config.web.metrics_token)
    try:
        return _run(args.command, args, config)
    except CorruptDatabase as error:
        print(
            f"database check failed: {error}\n"
            "The bot will not run on a damaged database. Restore the latest backup "
            "(see README, Operations) and start again.",
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
    if command == "restore":
        return restore_main(args.backup, config.storage.path)
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
