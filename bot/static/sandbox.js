// The sandbox chat page: show one demo person's chat with the bot and act as them.
// Talks only to our own origin (/sandbox/api/…), which forwards to the Bot API emulator.
// Every text from the chat is put in the page with textContent, never as HTML.
"use strict";

(function () {
  const chat = document.getElementById("chat");
  if (!chat) return;
  const userId = Number(chat.dataset.user);
  const list = document.getElementById("messages");
  const status = document.getElementById("chat-status");
  const api = "/sandbox/api";
  let lastSnapshot = "";
  const shown = new Map(); // message_id -> { json, item } of what is on screen
  let polling = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Telegram entities use UTF-16 offsets, as JavaScript strings do.
  function entityNode(entity, children) {
    let node;
    switch (entity.type) {
      case "bold": node = el("strong"); break;
      case "italic": node = el("em"); break;
      case "underline": node = el("u"); break;
      case "strikethrough": node = el("s"); break;
      case "code": node = el("code"); break;
      case "pre": node = el("pre"); break;
      case "blockquote": case "expandable_blockquote": node = el("blockquote"); break;
      case "text_link": case "url": {
        const href = entity.type === "url" ? null : entity.url;
        node = el("a");
        if (href && /^(https?:|tg:)/i.test(href)) node.href = href;
        node.rel = "noopener noreferrer";
        node.target = "_blank";
        break;
      }
      default: node = el("span");
    }
    children.forEach((child) => node.appendChild(child));
    if (entity.type === "url") {
      const href = node.textContent;
      if (/^https?:/i.test(href)) node.href = href;
    }
    return node;
  }

  function formatted(text, entities, start, end) {
    const nodes = [];
    let cursor = start;
    let i = 0;
    const inside = (entities || []).filter((e) => e.offset >= start && e.offset + e.length <= end);
    inside.sort((a, b) => a.offset - b.offset || b.length - a.length);
    while (i < inside.length) {
      const entity = inside[i];
      if (entity.offset < cursor) { i += 1; continue; }
      if (entity.offset > cursor) nodes.push(document.createTextNode(text.slice(cursor, entity.offset)));
      const stop = entity.offset + entity.length;
      const nested = inside.filter((e) => e !== entity && e.offset >= entity.offset && e.offset + e.length <= stop);
      nodes.push(entityNode(entity, formatted(text, nested, entity.offset, stop)));
      cursor = stop;
      i += 1;
    }
    if (cursor < end) nodes.push(document.createTextNode(text.slice(cursor, end)));
    return nodes;
  }

  function textBlock(text, entities) {
    const block = el("div", "text");
    formatted(text, entities || [], 0, text.length).forEach((n) => block.appendChild(n));
    return block;
  }

  function keyboard(message) {
    const markup = message.reply_markup;
    if (!markup || !markup.inline_keyboard) return null;
    const box = el("div", "keyboard");
    markup.inline_keyboard.forEach((row) => {
      const line = el("div", "krow");
      row.forEach((button) => {
        if (button.callback_data !== undefined) {
          const b = el("button", null, button.text);
          b.type = "button";
          b.addEventListener("click", () => press(message, button.callback_data));
          line.appendChild(b);
        } else if (button.url) {
          const a = el("a", "button", button.text);
          if (/^(https?:|tg:)/i.test(button.url)) a.href = button.url;
          a.rel = "noopener noreferrer";
          a.target = "_blank";
          line.appendChild(a);
        } else {
          line.appendChild(el("span", "button", button.text));
        }
      });
      box.appendChild(line);
    });
    return box;
  }

  function messageItem(message) {
    const mine = message.from && !message.from.is_bot && message.from.id === userId;
    const item = el("li", mine ? "message mine" : "message");
    item.dataset.messageId = message.message_id;
    item.appendChild(el("span", "who", mine ? chat.dataset.you : chat.dataset.bot));
    if (message.photo && message.photo.length) {
      const largest = message.photo[message.photo.length - 1];
      const img = el("img");
      img.src = api + "/file/" + encodeURIComponent(largest.file_id);
      img.alt = mine ? chat.dataset.myPhotoAlt : chat.dataset.photoAlt;
      item.appendChild(img);
    }
    if (message.document) {
      const a = el("a", "document", "📄 " + (message.document.file_name || chat.dataset.download));
      a.href = api + "/file/" + encodeURIComponent(message.document.file_id);
      a.setAttribute("download", message.document.file_name || "file");
      item.appendChild(a);
    }
    if (message.voice || message.audio) {
      const media = message.voice || message.audio;
      const audio = el("audio");
      audio.controls = true;
      audio.src = api + "/file/" + encodeURIComponent(media.file_id);
      item.appendChild(audio);
    }
    if (message.text !== undefined) item.appendChild(textBlock(message.text, message.entities));
    if (message.caption !== undefined) item.appendChild(textBlock(message.caption, message.caption_entities));
    const buttons = keyboard(message);
    if (buttons) item.appendChild(buttons);
    return item;
  }

  // Only what changed is redrawn: a new message is added, an edited one replaced in place,
  // so what the person is reading (or a test is pressing) is never swapped under them.
  function render(messages) {
    if (!messages.length) {
      list.textContent = "";
      shown.clear();
      list.appendChild(el("li", "empty", chat.dataset.empty));
      return;
    }
    const empty = list.querySelector(".empty");
    if (empty) empty.remove();
    const seen = new Set();
    messages.forEach((message) => {
      const key = String(message.message_id);
      const json = JSON.stringify(message);
      const old = shown.get(key);
      seen.add(key);
      if (old && old.json === json) return;
      const item = messageItem(message);
      if (old) old.item.replaceWith(item);
      else list.appendChild(item);
      shown.set(key, { json: json, item: item });
    });
    shown.forEach((old, key) => {
      if (!seen.has(key)) {
        old.item.remove();
        shown.delete(key);
      }
    });
  }

  function showStatus(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }

  async function call(path, options) {
    const response = await fetch(api + path, Object.assign({ credentials: "same-origin" }, options));
    const body = await response.json();
    if (!response.ok || !body.ok) throw new Error(body.description || response.statusText);
    return body.result;
  }

  async function refresh() {
    try {
      const messages = await call("/chats/" + userId + "/messages");
      const snapshot = JSON.stringify(messages);
      if (snapshot !== lastSnapshot) {
        const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
        lastSnapshot = snapshot;
        render(messages);
        if (atBottom && messages.length) list.lastElementChild.scrollIntoView({ block: "nearest" });
      }
    } catch (error) {
      // The next poll tries again.
    }
  }

  function postJson(path, body) {
    return call(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  async function press(message, data) {
    try {
      showStatus("");
      await postJson("/press", {
        user_id: userId, chat_id: message.chat.id, message_id: message.message_id, data: data,
      });
      soon();
    } catch (error) {
      showStatus(chat.dataset.failed);
    }
  }

  function soon() {
    setTimeout(refresh, 150);
    setTimeout(refresh, 600);
  }

  document.getElementById("send-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = document.getElementById("text");
    const text = input.value.trim();
    if (!text) return;
    try {
      showStatus("");
      await postJson("/send_text", { user_id: userId, text: text });
      input.value = "";
      soon();
    } catch (error) {
      showStatus(chat.dataset.failed);
    }
  });

  document.getElementById("upload-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    // Sent as a file, a photo or a voice note; a photo or voice note without a file of its
    // own is the emulator's bundled sample.
    const form = event.target;
    const kind = form.elements.as.value;
    const chosen = form.elements.file.files[0];
    if (!chosen && kind === "document") {
      showStatus(chat.dataset.needFile);
      return;
    }
    const data = new FormData();
    data.set("user_id", String(userId));
    data.set("caption", form.elements.caption.value);
    if (chosen) data.set(kind, chosen, chosen.name);
    try {
      showStatus("");
      await call("/send_" + kind, { method: "POST", body: data });
      form.reset();
      soon();
    } catch (error) {
      showStatus(chat.dataset.failed);
    }
  });

  const picker = document.getElementById("user");
  if (picker) picker.addEventListener("change", () => picker.form.submit());

  refresh();
  polling = setInterval(refresh, 1000);
  window.addEventListener("pagehide", () => clearInterval(polling));
})();
