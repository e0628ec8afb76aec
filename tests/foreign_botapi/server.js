'use strict';
// Starts the third-party Bot API emulator `telegram-test-api` (npm, by jehy; version pinned in
// package.json / package-lock.json) on 127.0.0.1 for tests/test_foreign_botapi.py.
//
// The package itself is used unmodified (nothing in node_modules is edited). By default this
// launcher applies six small, documented conformance fixes where version 4.2.1 deviates from the
// Bot API specification in ways that make python-telegram-bot 22.8 fail (see README.md). Each fix
// only fills in a field, header or return value the specification requires, from data the package
// already holds; none of them adds a method or changes routing, storage or the update queue.
// `--raw` turns all six off (used by the test that documents the deviations).
//
// Usage: node server.js --port 9000 [--raw]      (or FOREIGN_BOTAPI_PORT=9000 node server.js)
// Prints one line `READY http://127.0.0.1:<port>` on stdout once it accepts connections.

const path = require('path');

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = Number(portArg >= 0 ? args[portArg + 1] : process.env.FOREIGN_BOTAPI_PORT);
const raw = args.includes('--raw');
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.js --port <1-65535> [--raw]');
  process.exit(2);
}

const pkgDir = path.dirname(require.resolve('telegram-test-api/package.json'));
const sendResultModule = require(path.join(pkgDir, 'lib/modules/sendResult'));
// The axios instance the package itself uses for webhook pushes.
const axios = require(require.resolve('axios', { paths: [pkgDir] }));
const TelegramServer = require('telegram-test-api');

function log(line) {
  process.stderr.write(`[foreign-botapi] ${line}\n`);
}

// Bot API method name from a request path such as /bot123:abc/sendMessage (case-insensitive,
// like Telegram and like the package's express routes).
function botMethod(reqPath) {
  const m = /^\/bot[^/]+\/([A-Za-z]+)$/.exec(reqPath);
  return m ? m[1].toLowerCase() : null;
}

function fixPayload(method, body, payload) {
  if (!payload || typeof payload.then === 'function' || payload.ok !== true) return payload;
  const result = payload.result || {};
  // Fix 1: lib/routes/bot/getMe.js returns {username, first_name, id} without the required
  // `is_bot` field of User (https://core.telegram.org/bots/api#user).
  if (method === 'getme' && !('is_bot' in result)) result.is_bot = true;
  // Fix 2: lib/telegramServer.js addBotMessage() sets `date: add.time`, a Date.getTime() value
  // in milliseconds; Message.date is Unix time in seconds.
  if (method === 'sendmessage' && typeof result.date === 'number' && result.date > 1e11) {
    result.date = Math.floor(result.date / 1000);
  }
  // Fix 5: lib/routes/bot/{editMessageText,editMessageReplyMarkup}.js answer `result: null`
  // where the Bot API returns the edited Message (or True for inline messages); answerCallbackQuery,
  // setWebhook and deleteMessage answer null where the Bot API returns True.
  if (method === 'editmessagetext' || method === 'editmessagereplymarkup') {
    if (body.inline_message_id) return { ok: true, result: true };
    const stored = server.storage.botMessages.find((u) => (
      String(u.messageId) === String(body.message_id)
      && String(u.message.chat_id) === String(body.chat_id)));
    if (!stored) {
      return { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' };
    }
    return { ok: true, result: asMessage(stored) };
  }
  if (['answercallbackquery', 'setwebhook', 'deletemessage'].includes(method)) {
    return { ...payload, result: true };
  }
  return payload;
}

// A stored bot message in the shape addBotMessage() returns for sendMessage (dates in seconds).
function asMessage(stored) {
  const m = stored.message;
  const markup = m.reply_markup && 'inline_keyboard' in m.reply_markup ? m.reply_markup : undefined;
  return {
    ...m,
    message_id: stored.messageId,
    date: Math.floor(stored.time / 1000),
    edit_date: Math.floor(Date.now() / 1000),
    chat: { id: Number(m.chat_id), first_name: 'Bot', type: 'private' },
    reply_markup: markup,
  };
}

// The package installs `sendResult` as its first middleware (telegramServer.js constructor reads
// `sendResult_1.sendResult` at construction time), so wrapping the export here lets us see every
// response it sends. Errors (e.g. unsupported methods) are logged in both modes.
const originalSendResult = sendResultModule.sendResult;
sendResultModule.sendResult = (req, res, next) => {
  originalSendResult(req, res, () => {
    const { sendResult, sendError } = res;
    res.sendError = (error) => {
      log(`error ${req.method} ${req.path}: ${error && error.message}`);
      sendError(error);
    };
    if (!raw) {
      res.sendResult = (payload) => {
        const fixed = fixPayload(botMethod(req.path), req.body || {}, payload);
        if (fixed && fixed.ok === false) res.status(fixed.error_code || 400);
        sendResult(fixed);
      };
    }
    next();
  });
};

if (!raw) {
  // Fix 3: TelegramServer.formatUpdate() builds callback_query as {id, from, message, data}
  // without the required `chat_instance` (https://core.telegram.org/bots/api#callbackquery).
  const originalFormatUpdate = TelegramServer.formatUpdate;
  TelegramServer.formatUpdate = (update) => {
    const out = originalFormatUpdate(update);
    const cq = out.callback_query;
    if (cq && cq.chat_instance === undefined) {
      const chat = cq.message && cq.message.chat;
      cq.chat_instance = String(chat ? chat.id : cq.from && cq.from.id);
    }
    return out;
  };
}

if (!raw) {
  // Fix 6: TelegramServer.normalizeMessage() JSON-decodes only `reply_markup` and `entities` of a
  // form-encoded request; every other object parameter stays the JSON string the client sent
  // (https://core.telegram.org/bots/api#making-requests: objects are JSON-serialized), and
  // addBotMessage() echoes it into the result. Message.link_preview_options must be an object
  // (https://core.telegram.org/bots/api#message), so decode it like the other two.
  const originalNormalizeMessage = TelegramServer.normalizeMessage;
  TelegramServer.normalizeMessage = (message) => {
    const out = originalNormalizeMessage(message);
    if (typeof out.link_preview_options === 'string') {
      out.link_preview_options = JSON.parse(out.link_preview_options);
    }
    return out;
  };
}

const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 3600 });

if (!raw) {
  // Fix 4: addUserUpdate() pushes to the webhook with a bare axios POST; setWebhook's
  // `secret_token` is stored but never sent back as X-Telegram-Bot-Api-Secret-Token
  // (https://core.telegram.org/bots/api#setwebhook).
  axios.interceptors.request.use((config) => {
    for (const hook of Object.values(server.webhooks)) {
      if (hook && hook.url === config.url && hook.secret_token) {
        config.headers = { ...config.headers, 'X-Telegram-Bot-Api-Secret-Token': hook.secret_token };
      }
    }
    return config;
  });
}

// The client routes call addUserMessage()/addUserCallback() without awaiting them, so a failed
// webhook push would be an unhandled rejection that kills Node. Log it instead (the update is then
// lost: the package neither retries nor queues it).
process.on('unhandledRejection', (err) => log(`unhandled rejection: ${err && err.message}`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

server.start().then(
  () => process.stdout.write(`READY ${server.config.apiURL}${raw ? ' raw' : ''}\n`),
  (err) => {
    log(`failed to start: ${err && err.message}`);
    process.exit(1);
  },
);
