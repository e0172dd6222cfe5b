// The sandbox web chat: personas, their conversation with the bot, buttons and contact sharing.
// New messages arrive by long polling the transcript, so the page never needs a reload.
"use strict";

const state = { users: [], current: null, blocked: false, generation: 0, seenNotices: 0, replyTo: null };
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch("api/" + path, {
    headers: { "Content-Type": "application/json" },
    ...options,
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function toast(text) {
  const el = $("toast");
  el.textContent = text;
  el.style.display = "block";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.style.display = "none"; }, 3000);
}

async function loadUsers() {
  state.users = await api("users");
  const list = $("personas");
  list.replaceChildren();
  for (const user of state.users) {
    const li = document.createElement("li");
    li.dataset.userId = user.id;
    li.className = state.current === user.id ? "active" : "";
    li.textContent = user.first_name + (user.username ? " @" + user.username : "");
    const small = document.createElement("small");
    small.textContent = user.persona + " · " + user.language_code + " · id " + user.id;
    li.append(small);
    li.onclick = () => select(user.id);
    list.append(li);
  }
}

function select(userId) {
  state.current = userId;
  state.generation += 1;
  state.seenNotices = 0;
  setReplyTo(null);
  const user = state.users.find((u) => u.id === userId);
  $("who").textContent = user ? user.first_name + " (" + user.persona + ")" : "";
  loadUsers();
  poll(state.generation);
}

function renderButtons(message) {
  const box = document.createElement("div");
  box.className = "buttons";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      const el = document.createElement(button.url ? "a" : "button");
      el.textContent = button.text;
      if (button.url) {
        el.href = button.url;
        el.target = "_blank";
        el.rel = "noopener";
      } else {
        el.type = "button";
        el.onclick = () => act("press", { message_id: message.message_id, callback_data: button.callback_data });
      }
      line.append(el);
    }
    box.append(line);
  }
  return box;
}

function render(chat) {
  const log = $("log");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.replaceChildren();
  if (!chat.messages.length) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = "No conversation yet: press /start.";
    log.append(p);
  }
  for (const message of chat.messages) {
    const el = document.createElement("div");
    el.className = "msg " + message.from;
    el.dataset.messageId = message.message_id;
    if (message.text) el.append(document.createTextNode(message.text));
    if (message.contact) el.append(document.createTextNode("Contact: " + message.contact.phone_number));
    if (message.media) {
      el.append(document.createTextNode((message.media === "photo" ? "🖼 Photo" : "💟 Sticker")
        + (message.caption ? "\n" + message.caption : "")));
    }
    if (message.reply_to) {
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = "↩ reply to #" + message.reply_to;
      el.prepend(meta);
    }
    if (message.from === "bot") {
      // Telegram's reply: click a bot message, then write (click it again to stop replying).
      el.title = "Click to reply to this message";
      el.onclick = (event) => {
        if (event.target.closest("button, a")) return;
        setReplyTo(state.replyTo === message.message_id ? null : message.message_id);
      };
    }
    if (message.document) {
      const a = document.createElement("a");
      a.href = message.document.url;
      a.textContent = "📎 " + message.document.file_name;
      el.append(a);
      if (message.caption) el.append(document.createTextNode("\n" + message.caption));
    }
    if (message.buttons.length) el.append(renderButtons(message));
    if (message.edited) {
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = "edited";
      el.append(meta);
    }
    log.append(el);
  }
  if (atBottom) log.scrollTop = log.scrollHeight;
  const keyboard = $("keyboard");
  keyboard.replaceChildren();
  for (const row of chat.reply_keyboard || []) {
    for (const button of row) {
      const label = typeof button === "string" ? button : button.text;
      const el = document.createElement("button");
      el.type = "button";
      el.textContent = label;
      el.onclick = () => (button.request_contact ? act("contact", {}) : act("message", { text: label }));
      keyboard.append(el);
    }
  }
  for (const notice of chat.notices.slice(state.seenNotices)) toast(notice.text);
  state.seenNotices = chat.notices.length;
  state.blocked = chat.blocked;
  $("block").textContent = chat.blocked ? "Unblock bot" : "Block bot";
}

async function poll(generation) {
  let since = -1;
  while (generation === state.generation && state.current !== null) {
    try {
      const chat = await api("users/" + state.current + "/transcript?wait=20&since=" + since);
      if (generation !== state.generation) return;
      render(chat);
      since = chat.version;
    } catch (error) {
      toast(error.message);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function setReplyTo(messageId) {
  state.replyTo = messageId;
  $("text").placeholder = messageId === null ? "Message" : "Reply to #" + messageId + " (click it again to stop)";
}

async function act(action, body) {
  if (state.current === null) return toast("Choose a persona first");
  try {
    await api("users/" + state.current + "/" + action, { method: "POST", body: JSON.stringify(body) });
  } catch (error) {
    toast(error.message);
  }
}

$("new-persona").onsubmit = async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  try {
    const user = await api("users", { method: "POST", body: JSON.stringify(Object.fromEntries(form)) });
    event.target.reset();
    await loadUsers();
    select(user.id);
  } catch (error) {
    toast(error.message);
  }
};
$("send").onsubmit = (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  const replyTo = state.replyTo;
  setReplyTo(null);
  act("message", replyTo === null ? { text } : { text, reply_to_message_id: replyTo });
};
$("start").onclick = () => act("start", { payload: $("payload").value });
$("contact").onclick = () => act("contact", {});
function sendMedia(kind) {
  const caption = $("text").value.slice(0, 1024) || null;  // the text box, if filled
  $("text").value = "";
  act(kind, { caption });
}
$("photo").onclick = () => sendMedia("photo");
$("document").onclick = () => sendMedia("document");
$("block").onclick = () => act(state.blocked ? "unblock" : "block", {});

loadUsers();
