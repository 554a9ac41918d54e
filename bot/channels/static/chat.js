// Afterglow patient chat. No dependencies; loaded from the same origin only.
// Every bot or patient text is inserted with textContent, never as HTML.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("page-data").textContent);
  var text = data.text;
  // "Step 3 of 8" opening the text or one of its sentences (also "**Step 3 of 8**").
  var STEP_PATTERN = /(?:^|[.!?]\s+)[\s*_#([]*(?:step|paso)\s+(\d+)\s+(?:of|de)\s+(\d+)/i;
  var COUNTER_FROM = 500;

  var el = {
    log: document.getElementById("log"),
    hint: document.getElementById("status-hint"),
    typing: document.getElementById("typing"),
    replies: document.getElementById("quick-replies"),
    form: document.getElementById("composer"),
    input: document.getElementById("message"),
    send: document.getElementById("send"),
    error: document.getElementById("error"),
    counter: document.getElementById("counter"),
    signOut: document.getElementById("sign-out"),
    progress: document.getElementById("progress"),
    progressText: document.getElementById("progress-text"),
    progressTrack: document.getElementById("progress-track"),
    progressFill: document.getElementById("progress-fill"),
    help: document.getElementById("help"),
    helpOpen: document.getElementById("help-open"),
    helpClose: document.querySelectorAll(".help-close"),
    helpHeading: document.getElementById("help-heading"),
    bar: document.getElementById("bar"),
    chat: document.getElementById("chat"),
    composerArea: document.getElementById("composer-area"),
  };

  var busy = false;
  var signedOut = false;

  function reducedMotion() {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(values[key]);
    });
  }

  // ---- Help panel: opens at once, no request needed. ----
  function openHelp(event) {
    if (event) event.preventDefault();
    el.help.classList.add("open");
    [el.bar, el.chat, el.composerArea].forEach(function (node) {
      node.inert = true;
    });
    el.helpHeading.focus();
  }

  function closeHelp(event) {
    if (event) event.preventDefault();
    el.help.classList.remove("open");
    [el.bar, el.chat, el.composerArea].forEach(function (node) {
      node.inert = false;
    });
    if (window.location.hash === "#help") {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    el.helpOpen.focus();
  }

  el.helpOpen.addEventListener("click", openHelp);
  Array.prototype.forEach.call(el.helpClose, function (link) {
    link.addEventListener("click", closeHelp);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && el.help.classList.contains("open")) closeHelp(event);
  });
  if (window.location.hash === "#help") openHelp();

  // ---- Progress through the reflection ("Step N of 8" or custom.progress). ----
  function progressOf(message) {
    var custom = message.custom;
    if (custom && custom.progress && Number(custom.progress.total) > 0) {
      return { step: Number(custom.progress.step), total: Number(custom.progress.total) };
    }
    var match = STEP_PATTERN.exec(message.text || "");
    return match ? { step: Number(match[1]), total: Number(match[2]) } : null;
  }

  function showProgress(progress) {
    if (!progress || !(progress.total > 0)) return;
    var step = Math.max(0, Math.min(progress.step, progress.total));
    el.progress.hidden = false;
    el.progressText.textContent = format(text.progress_text, { step: step, total: progress.total });
    el.progressTrack.setAttribute("aria-valuemax", String(progress.total));
    el.progressTrack.setAttribute("aria-valuenow", String(step));
    el.progressFill.style.width = (100 * step) / progress.total + "%";
  }

  // ---- Messages ----
  function scrollToEnd(instant) {
    var behavior = instant || reducedMotion() ? "auto" : "smooth";
    el.chat.scrollTo({ top: el.chat.scrollHeight, behavior: behavior });
  }

  // A reply taller than the screen is shown from its first message, so the
  // patient reads it from the start; a short one just scrolls into view.
  function scrollToReply(first) {
    if (!first) return scrollToEnd(false);
    var top = first.getBoundingClientRect().top - el.chat.getBoundingClientRect().top;
    var replyHeight = el.chat.scrollHeight - (el.chat.scrollTop + top);
    if (replyHeight <= el.chat.clientHeight) return scrollToEnd(false);
    el.chat.scrollTo({
      top: el.chat.scrollTop + top - 8,
      behavior: reducedMotion() ? "auto" : "smooth",
    });
  }

  function addMessage(sender, body) {
    var item = document.createElement("li");
    item.className = "msg msg-" + sender;
    var bubble = document.createElement("p");
    bubble.className = "bubble";
    var who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = (sender === "user" ? text.you : text.bot) + ": ";
    bubble.appendChild(who);
    bubble.appendChild(document.createTextNode(body));
    item.appendChild(bubble);
    el.log.appendChild(item);
    el.hint.textContent = "";
    return item;
  }

  function clearReplies() {
    el.replies.textContent = "";
  }

  function showReplies(buttons) {
    clearReplies();
    (buttons || []).forEach(function (button) {
      if (!button || typeof button.payload !== "string") return;
      var node = document.createElement("button");
      node.type = "button";
      node.className = "reply";
      node.textContent = button.title || button.payload;
      node.disabled = busy;
      node.addEventListener("click", function () {
        sendPayload(button.payload, button.title || "");
      });
      el.replies.appendChild(node);
    });
  }

  function renderBotMessages(messages) {
    var buttons = [];
    var first = null;
    messages.forEach(function (message) {
      if (message.text) {
        var item = addMessage("bot", message.text);
        first = first || item;
      }
      showProgress(progressOf(message));
      // A custom-only message (e.g. progress) keeps the buttons shown before it.
      if (message.text || (message.buttons && message.buttons.length)) {
        buttons = message.buttons || [];
      }
    });
    showReplies(buttons);
    return first;
  }

  // ---- Sending ----
  function setBusy(value) {
    busy = value;
    el.input.readOnly = value || signedOut;
    el.send.disabled = value || signedOut;
    el.typing.hidden = !value;
    el.log.setAttribute("aria-busy", value ? "true" : "false");
    Array.prototype.forEach.call(el.replies.querySelectorAll("button"), function (node) {
      node.disabled = value || signedOut;
    });
    if (value) scrollToEnd();
  }

  function showError(message) {
    el.error.textContent = message || "";
    el.error.hidden = !message;
  }

  function endSession() {
    signedOut = true;
    showError(text.error_session);
    clearReplies();
    setBusy(false);
  }

  function errorText(status, body) {
    if (status === 401) return text.error_session;
    var code = body && body.error;
    if (code && text["error_" + code]) return text["error_" + code];
    return status === 0 ? text.error_network : text.error_server;
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(
      function (response) {
        return response.json().then(
          function (json) {
            return { status: response.status, body: json };
          },
          function () {
            return { status: response.status, body: null };
          }
        );
      },
      function () {
        return { status: 0, body: null };
      }
    );
  }

  function deliver(body, shownText, onFailure) {
    if (busy || signedOut) return;
    showError("");
    var bubble = shownText ? addMessage("user", shownText) : null;
    var replies = Array.prototype.slice.call(el.replies.children);
    clearReplies();
    setBusy(true);
    post("webhook", body).then(function (result) {
      setBusy(false);
      if (result.status === 200 && result.body) {
        scrollToReply(renderBotMessages(result.body.messages || []));
        return;
      }
      // A failed turn may still carry the clinic's crisis resources: show them.
      if (result.body && result.body.messages && result.body.messages.length) {
        renderBotMessages(result.body.messages);
      }
      if (bubble) bubble.remove();
      replies.forEach(function (node) {
        node.disabled = false;
        el.replies.appendChild(node);
      });
      if (result.status === 401) {
        endSession();
        return;
      }
      showError(errorText(result.status, result.body));
      if (onFailure) onFailure();
    });
  }

  function sendPayload(payload, title) {
    deliver({ payload: payload, title: title }, title, null);
  }

  function sendTyped() {
    var value = el.input.value;
    if (!value.trim()) {
      showError(text.error_empty);
      return;
    }
    el.input.value = "";
    updateCounter();
    deliver({ message: value }, value.trim(), function () {
      el.input.value = value; // nothing typed is lost on failure
      updateCounter();
    });
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendTyped();
  });

  el.input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter (or a phone's return key with Shift) adds a line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendTyped();
    }
  });

  function updateCounter() {
    var left = data.maxChars - el.input.value.length;
    el.counter.hidden = left > COUNTER_FROM;
    el.counter.textContent = format(text.chars_left, { count: left });
    el.input.style.height = "auto";
    el.input.style.height = Math.min(el.input.scrollHeight + 4, 240) + "px";
  }

  el.input.addEventListener("input", updateCounter);

  // ---- Sign out of this device ----
  el.signOut.addEventListener("click", function () {
    if (!window.confirm(text.sign_out_confirm)) return;
    post("logout", {}).then(function () {
      window.location.replace("./?signed_out=1");
    });
  });

  // ---- Start: restore the conversation so far ----
  function restore(messages) {
    messages.forEach(function (message) {
      if (message.sender === "user") {
        addMessage("user", message.text);
        clearReplies();
      } else {
        renderBotMessages([message]);
      }
    });
  }

  fetch("history", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (response.status === 401) return { expired: true };
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (body) {
      if (body.expired) {
        el.hint.textContent = "";
        endSession();
        return;
      }
      var messages = body.messages || [];
      restore(messages);
      setBusy(false);
      if (!messages.length) {
        if (data.startPayload) {
          deliver({ payload: data.startPayload }, "", null);
        } else {
          el.hint.textContent = text.empty_hint;
        }
      }
      scrollToEnd(true);
    })
    .catch(function () {
      el.hint.textContent = "";
      setBusy(false);
      showError(text.error_network);
    });
})();
