// Chat page: streams answers from POST /chat/stream, keeps the session across reloads,
// sends feedback and runs the image tools. Everything the server or the user sends is
// rendered as text (textContent / text nodes), never parsed as HTML.

const SESSION_KEY = "chatbot.session_id";
const MAX_CHARS = 2000;
const TOOLS = {
  digit: { path: "/tools/digit", label: "숫자 인식" },
  mosaic: { path: "/tools/mosaic", label: "얼굴 모자이크" },
};
const SVG_NS = "http://www.w3.org/2000/svg";
const THUMB_UP_PATH =
  "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06" +
  "L13.17 1 6.59 7.59C6.22 7.95 6 8.45 6 9v10a2 2 0 0 0 2 2h9c.83 0 1.54-.5 1.84-1.22" +
  "l3.02-7.05c.09-.23.14-.47.14-.73v-2z";
const UNREACHABLE_KO = "서버에 연결할 수 없어요. 네트워크를 확인하고 잠시 후 다시 시도해 주세요.";

const els = {
  conversation: document.getElementById("conversation"),
  messages: document.getElementById("messages"),
  emptyState: document.getElementById("empty-state"),
  form: document.getElementById("chat-form"),
  input: document.getElementById("message-input"),
  send: document.getElementById("send-button"),
  charCount: document.getElementById("char-count"),
  newChat: document.getElementById("new-chat"),
  toolSelect: document.getElementById("tool-select"),
  upload: document.getElementById("upload-button"),
  fileInput: document.getElementById("image-input"),
};

let sessionId = localStorage.getItem(SESSION_KEY);
let busy = false;
let inFlight = null;
const objectUrls = [];

/** A failure with a Korean message meant for the person using the page. */
class UserFacingError extends Error {
  constructor(messageKo, code = null) {
    super(messageKo);
    this.messageKo = messageKo;
    this.code = code;
  }
}

// ---------------------------------------------------------------- small DOM helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function isNearBottom() {
  const c = els.conversation;
  return c.scrollHeight - c.scrollTop - c.clientHeight < 80;
}

function scrollToBottom(force = false) {
  if (force || isNearBottom()) els.conversation.scrollTop = els.conversation.scrollHeight;
}

function appendItem(item) {
  const stick = isNearBottom();
  els.messages.append(item);
  els.emptyState.hidden = true;
  scrollToBottom(stick);
  return item;
}

function setBusy(value) {
  busy = value;
  els.send.disabled = value;
  els.upload.disabled = value;
  els.send.textContent = value ? "보내는 중…" : "보내기";
  els.form.setAttribute("aria-busy", String(value));
}

/** Puts focus back on `target` when the control that had it was disabled meanwhile. */
function refocus(target) {
  const active = document.activeElement;
  if (!active || active === document.body || active === els.send || active === els.upload) {
    target.focus();
  }
}

function updateCharCount() {
  const n = els.input.value.length;
  els.charCount.textContent = `${n} / ${MAX_CHARS}자`;
  els.charCount.classList.toggle("char-count-warn", n >= MAX_CHARS * 0.9);
}

function setSession(id) {
  sessionId = id || null;
  if (sessionId) localStorage.setItem(SESSION_KEY, sessionId);
  else localStorage.removeItem(SESSION_KEY);
}

// ---------------------------------------------------------------- message rendering

function addUserMessage(text) {
  const item = el("li", "message message-user");
  item.append(el("span", "visually-hidden", "나: "));
  item.append(el("div", "bubble", text));
  return appendItem(item);
}

/** Creates an assistant bubble; the returned object fills it in as the answer arrives. */
function addAssistantMessage() {
  const item = el("li", "message message-assistant");
  item.append(el("span", "visually-hidden", "도우미: "));
  const bubble = el("div", "bubble");
  const text = el("div", "text");
  bubble.append(text);
  item.append(bubble);
  appendItem(item);
  return { item, bubble, text };
}

function renderSources(sources) {
  const details = el("details", "sources");
  details.append(el("summary", null, `참고한 노트 ${sources.length}개`));
  const list = el("ol", "source-list");
  sources.forEach((src, i) => {
    const li = el("li", "source");
    li.dataset.n = String(src.n ?? i + 1);
    li.tabIndex = -1;
    const title = el("p", "source-title");
    title.append(el("span", "source-file", src.source ?? ""));
    if (src.heading) title.append(el("span", "source-heading", src.heading));
    if (typeof src.score === "number") {
      title.append(el("span", "source-score", `관련도 ${src.score.toFixed(2)}`));
    }
    li.append(title);
    const passage = src.text ?? src.snippet;
    if (passage) li.append(el("blockquote", "source-snippet", passage));
    list.append(li);
  });
  details.append(list);
  return details;
}

/** Writes answer text with its citation marks ("[1]") as buttons that open the cited
 *  passage in the sources list below the answer, and the notes' code that an answer
 *  quotes in a fenced block as a code block, a name in backticks as inline code. Text
 *  is set as text, never as HTML. */
function renderAnswerText(target, answer, openSource) {
  target.replaceChildren();
  const pieces = (answer ?? "").split(/^```[^\n]*\n([\s\S]*?)^```$/m);
  pieces.forEach((piece, i) => {
    if (i % 2 === 1) {
      const pre = el("pre", "code");
      pre.append(el("code", null, piece.replace(/\n$/, "")));
      target.append(pre);
    } else {
      appendWithMarks(target, piece, openSource);
    }
  });
}

function appendWithMarks(target, text, openSource) {
  const parts = text.split(/(\[\d+\]|`[^`\n]+`)/);
  for (const part of parts) {
    const mark = /^\[(\d+)\]$/.exec(part);
    if (!mark) {
      // a name from the notes' code ("`@login_required`") reads as code
      if (/^`[^`\n]+`$/.test(part)) target.append(el("code", "inline", part.slice(1, -1)));
      else if (part) target.append(document.createTextNode(part));
      continue;
    }
    const button = el("button", "cite", part);
    button.type = "button";
    button.dataset.n = mark[1];
    button.setAttribute("aria-label", `출처 ${mark[1]} 보기`);
    button.addEventListener("click", () => openSource(mark[1]));
    target.append(button);
  }
}

function thumbIcon(direction) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon", `icon-${direction}`);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", THUMB_UP_PATH);
  svg.append(path);
  return svg;
}

function renderFeedback(messageId, current) {
  const group = el("div", "feedback");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "답변 평가");
  const choices = [
    { rating: "up", label: "도움이 됐어요" },
    { rating: "down", label: "도움이 안 됐어요" },
  ];
  const buttons = choices.map(({ rating, label }) => {
    const button = el("button", "feedback-button");
    button.append(thumbIcon(rating));
    button.type = "button";
    button.dataset.rating = rating;
    button.title = label;
    button.setAttribute("aria-label", label);
    button.setAttribute("aria-pressed", String(current === rating));
    return button;
  });
  const status = el("span", "feedback-status");
  status.setAttribute("aria-live", "polite");
  if (current) status.textContent = "평가해 주셔서 고마워요.";
  for (const button of buttons) {
    button.addEventListener("click", async () => {
      for (const b of buttons) b.disabled = true;
      try {
        await sendFeedback(messageId, button.dataset.rating);
        for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
        status.textContent = "평가해 주셔서 고마워요.";
      } catch (err) {
        showError(errorText(err, "평가를 보내지 못했어요."));
      } finally {
        for (const b of buttons) b.disabled = false;
      }
    });
  }
  group.append(...buttons, status);
  return group;
}

/** Adds the parts that come with a finished answer: sources, notes and feedback buttons. */
function completeAssistant(view, { answer, intent, sources, messageId, feedback, fallback }) {
  let sourcesView = null;
  const openSource = (n) => {
    if (!sourcesView) return;
    sourcesView.open = true;
    for (const li of sourcesView.querySelectorAll(".source")) {
      li.classList.toggle("cited", li.dataset.n === n);
    }
    const target = sourcesView.querySelector(`.source[data-n="${n}"]`);
    if (target) {
      target.scrollIntoView({ block: "nearest" });
      target.focus({ preventScroll: true });
    }
  };
  renderAnswerText(view.text, answer, openSource);
  view.item.removeAttribute("aria-busy");
  view.item.classList.remove("streaming");
  if (intent) view.item.dataset.intent = intent;
  if (fallback) {
    view.bubble.append(
      el("p", "answer-note", "생성한 답변이 노트와 맞지 않아 노트 내용으로 답했어요."),
    );
  }
  if (Array.isArray(sources) && sources.length > 0) {
    sourcesView = renderSources(sources);
    view.bubble.append(sourcesView);
  }
  if (Number.isInteger(messageId)) {
    view.item.dataset.messageId = String(messageId);
    view.bubble.append(renderFeedback(messageId, feedback ?? null));
  }
}

function clearNotices() {
  for (const notice of els.messages.querySelectorAll(".notice")) notice.remove();
}

function showError(messageKo) {
  clearNotices();
  const item = el("li", "notice notice-error");
  item.setAttribute("role", "alert");
  item.append(el("strong", "notice-title", "오류"));
  item.append(el("span", "notice-text", messageKo));
  appendItem(item);
  scrollToBottom(true);
}

function errorText(err, fallbackKo) {
  if (err instanceof UserFacingError) return err.messageKo;
  if (err instanceof TypeError) return UNREACHABLE_KO;
  return fallbackKo;
}

// ---------------------------------------------------------------- HTTP

/** Reads the Korean message of an error body, or describes the status. */
async function responseError(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: fall through to the status
  }
  const ko = body && (body.message_ko || body.message);
  return new UserFacingError(
    typeof ko === "string" && ko ? ko : `서버에서 오류가 났어요. (HTTP ${response.status})`,
    body && typeof body.error === "string" ? body.error : null,
  );
}

async function sendFeedback(messageId, rating) {
  const response = await fetch("/feedback", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message_id: messageId, rating, comment: null }),
  });
  if (!response.ok) throw await responseError(response);
}

/**
 * Incremental parser for text/event-stream: feed it decoded chunks in any split;
 * it calls onData with the data of each complete event.
 */
function createSseParser(onData) {
  let buffer = "";
  let dataLines = [];

  function dispatch() {
    if (dataLines.length > 0) onData(dataLines.join("\n"));
    dataLines = [];
  }

  function handleLine(line) {
    if (line === "") {
      dispatch();
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") dataLines.push(value);
  }

  return {
    push(chunk) {
      buffer += chunk;
      const newline = /\r\n|\r|\n/g;
      let start = 0;
      let match;
      while ((match = newline.exec(buffer)) !== null) {
        // A lone "\r" at the very end may be the first half of "\r\n": wait for more.
        if (match[0] === "\r" && match.index === buffer.length - 1) break;
        handleLine(buffer.slice(start, match.index));
        start = newline.lastIndex;
      }
      buffer = buffer.slice(start);
    },
    end() {
      if (buffer) handleLine(buffer.replace(/\r$/, ""));
      buffer = "";
      dispatch();
    },
  };
}

/** Sends one message and streams the answer into `view`; resolves to the final event. */
async function streamChat(message, view, signal) {
  const response = await fetch("/chat/stream", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ message, session_id: sessionId }),
    signal,
  });
  if (!response.ok) throw await responseError(response);
  if (!response.body) throw new UserFacingError("브라우저가 스트리밍 응답을 지원하지 않아요.");

  let final = null;
  let failure = null;
  let done = false;
  const parser = createSseParser((data) => {
    if (done || failure) return;
    if (data === "[DONE]") {
      done = true;
      return;
    }
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return; // a malformed event is skipped; the final event carries the whole answer
    }
    if (event.type === "token" && typeof event.text === "string") {
      view.text.append(document.createTextNode(event.text));
      scrollToBottom();
    } else if (event.type === "final") {
      final = event;
    } else if (event.type === "error") {
      failure = new UserFacingError(
        event.message_ko || event.message || "답변을 만드는 중에 오류가 났어요.",
      );
    }
  });

  const reader = response.body.getReader();
  const decoder = new TextDecoder("utf-8");
  let ended = false;
  while (!done && !failure) {
    const chunk = await reader.read();
    if (chunk.done) {
      parser.push(decoder.decode());
      parser.end();
      ended = true;
      break;
    }
    parser.push(decoder.decode(chunk.value, { stream: true }));
  }
  if (!ended) await reader.cancel().catch(() => {});
  if (failure) throw failure;
  if (!final) throw new UserFacingError("답변이 중간에 끊겼어요. 다시 보내 주세요.");
  return final;
}

// ---------------------------------------------------------------- chat flow

async function sendMessage() {
  if (busy) return;
  const message = els.input.value.trim();
  if (!message) {
    els.input.focus();
    return;
  }
  if (message.length > MAX_CHARS) {
    showError(`메시지는 ${MAX_CHARS}자까지 보낼 수 있어요.`);
    return;
  }

  clearNotices();
  setBusy(true);
  const userItem = addUserMessage(message);
  const view = addAssistantMessage();
  view.item.setAttribute("aria-busy", "true");
  view.item.classList.add("streaming");
  els.input.value = "";
  updateCharCount();
  scrollToBottom(true);

  const controller = new AbortController();
  inFlight = controller;
  try {
    let final;
    try {
      final = await streamChat(message, view, controller.signal);
    } catch (err) {
      if (!(err instanceof UserFacingError && err.code === "unknown_session" && sessionId)) {
        throw err;
      }
      // The server no longer knows this conversation: continue in a new one.
      setSession(null);
      final = await streamChat(message, view, controller.signal);
    }
    if (final.session_id) setSession(final.session_id);
    completeAssistant(view, {
      answer: final.answer,
      intent: final.intent,
      sources: final.sources,
      messageId: final.message_id,
      feedback: null,
      fallback: final.fallback,
    });
  } catch (err) {
    if (controller.signal.aborted) return;
    userItem.remove();
    view.item.remove();
    // Give the message back so it can be sent again, unless something new was typed.
    if (!els.input.value) {
      els.input.value = message;
      updateCharCount();
    }
    showError(errorText(err, "답변을 받지 못했어요. 잠시 후 다시 시도해 주세요."));
    els.input.focus();
  } finally {
    if (inFlight === controller) {
      inFlight = null;
      setBusy(false);
      refocus(els.input);
    }
  }
}

async function loadHistory() {
  if (!sessionId) return;
  const id = sessionId;
  let response;
  try {
    response = await fetch(`/sessions/${encodeURIComponent(id)}/messages`);
  } catch {
    showError(UNREACHABLE_KO);
    return;
  }
  if (id !== sessionId) return; // a new conversation was started meanwhile
  if (response.status === 404) {
    setSession(null);
    return;
  }
  if (!response.ok) {
    showError((await responseError(response)).messageKo);
    return;
  }
  let body;
  try {
    body = await response.json();
  } catch {
    showError("이전 대화를 불러오지 못했어요.");
    return;
  }
  for (const msg of body.messages ?? []) {
    if (msg.role === "user") {
      addUserMessage(msg.text);
    } else if (msg.role === "assistant") {
      completeAssistant(addAssistantMessage(), {
        answer: msg.text,
        intent: msg.intent,
        sources: msg.sources,
        messageId: msg.id,
        feedback: msg.feedback,
        fallback: false,
      });
    }
  }
  scrollToBottom(true);
}

function startNewConversation() {
  if (inFlight) {
    inFlight.abort();
    inFlight = null;
    setBusy(false);
  }
  setSession(null);
  els.messages.replaceChildren();
  for (const url of objectUrls.splice(0)) URL.revokeObjectURL(url);
  els.emptyState.hidden = false;
  els.input.focus();
}

// ---------------------------------------------------------------- image tools

async function runTool(file, toolName) {
  const tool = TOOLS[toolName];
  if (!tool || busy) return;
  if (file.type && !file.type.startsWith("image/")) {
    showError("이미지 파일만 올릴 수 있어요.");
    return;
  }
  clearNotices();
  setBusy(true);
  const userItem = addUserMessage(`이미지 보내기 · ${tool.label}: ${file.name}`);
  const view = addAssistantMessage();
  view.item.setAttribute("aria-busy", "true");
  view.item.classList.add("streaming", "tool-result");
  view.text.textContent = "이미지를 처리하고 있어요…";
  scrollToBottom(true);

  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const response = await fetch(tool.path, { method: "POST", body: form });
    if (!response.ok) throw await responseError(response);
    if (toolName === "digit") {
      const result = await response.json();
      const confidence = (Number(result.confidence) * 100).toFixed(1);
      view.text.textContent = `인식한 숫자: ${result.digit} (확신도 ${confidence}%)`;
    } else {
      const faces = Number.parseInt(response.headers.get("X-Faces-Detected") ?? "0", 10) || 0;
      const url = URL.createObjectURL(await response.blob());
      objectUrls.push(url);
      view.text.textContent =
        faces > 0 ? `얼굴 ${faces}개를 모자이크했어요.` : "얼굴을 찾지 못해 원본 그대로예요.";
      const img = el("img", "tool-image");
      img.src = url;
      img.alt = faces > 0 ? `얼굴 ${faces}개를 모자이크한 이미지` : "올린 이미지";
      const link = el("a", "tool-download", "이미지 저장");
      link.href = url;
      link.download = "mosaic.png";
      view.bubble.append(img, link);
    }
    view.item.removeAttribute("aria-busy");
    view.item.classList.remove("streaming");
  } catch (err) {
    userItem.remove();
    view.item.remove();
    showError(errorText(err, "이미지를 처리하지 못했어요."));
  } finally {
    setBusy(false);
    refocus(els.upload);
  }
}

// ---------------------------------------------------------------- wiring

els.form.addEventListener("submit", (event) => {
  event.preventDefault();
  sendMessage();
});

els.input.addEventListener("keydown", (event) => {
  // Enter while a Hangul syllable is being composed only ends the composition.
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
    return;
  }
  event.preventDefault();
  sendMessage();
});

els.input.addEventListener("input", updateCharCount);
els.newChat.addEventListener("click", startNewConversation);
els.upload.addEventListener("click", () => els.fileInput.click());
els.fileInput.addEventListener("change", () => {
  const file = els.fileInput.files && els.fileInput.files[0];
  els.fileInput.value = "";
  if (file) runTool(file, els.toolSelect.value);
});

updateCharCount();
setBusy(true);
loadHistory().finally(() => {
  setBusy(false);
  els.input.focus();
});
