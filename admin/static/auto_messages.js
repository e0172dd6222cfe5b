// The auto-messages page: the number of people the form's audience reaches, asked again a
// moment after an audience field changes (POST /auto-messages/audience, with the form's CSRF
// token); and, while a message is being sent, its numbers and bar asked for every few seconds
// (GET /auto-messages/progress) until none is. Without this script the form's Count button
// and a page load show the same. Words come from the server or the page, in its language.
(function () {
  "use strict";

  function asked(url, options) {
    options.credentials = "same-origin";
    options.headers = { Accept: "application/json" };
    return fetch(url, options).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return json ? response.json() : Promise.reject(response.status);
    });
  }

  function audienceCount() {
    var form = document.getElementById("auto-message-form");
    var out = document.getElementById("audience-count");
    if (!form || !out) {
      return;
    }
    var fields = ["city_ids", "statuses", "source", "registered_from", "registered_to", "timezone"];
    var timer = null;
    var latest = 0;

    function refresh() {
      var mine = ++latest;
      var data = new URLSearchParams(new FormData(form));
      asked("/auto-messages/audience", { method: "POST", body: data })
        .then(function (answer) {
          if (mine === latest) {
            out.textContent = answer.text || answer.error || "";
            out.classList.toggle("error", !answer.text);
          }
        })
        .catch(function () {
          if (mine === latest) {
            out.textContent = out.dataset.unavailable || "";
            out.classList.add("error");
          }
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    }

    fields.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) {
        field.addEventListener("change", later);
        field.addEventListener("input", later);
      }
    });
    refresh();
  }

  function progress() {
    var table = document.getElementById("auto-messages");
    if (!table || table.dataset.sending !== "1") {
      return;
    }
    var every = parseInt(table.dataset.every, 10) || 3000;
    var failures = 0;

    function show(message) {
      var row = document.getElementById("auto-message-" + message.id);
      if (!row) {
        return;
      }
      var state = row.querySelector(".state");
      var words = row.querySelector(".progress-text");
      var bar = row.querySelector("progress");
      if (state) {
        state.textContent = message.state;
      }
      var pause = row.querySelector("form.inline");
      if (pause && message.state_code === "done") {
        pause.remove(); // a finished broadcast is not paused from the list (as on a reload)
      }
      if (words) {
        words.textContent = message.text;
      }
      if (bar) {
        bar.max = message.queued || 1;
        bar.value = message.queued ? message.settled : 0;
      }
    }

    function tick() {
      asked("/auto-messages/progress", { method: "GET" })
        .then(function (answer) {
          failures = 0;
          answer.messages.forEach(show);
          table.dataset.sending = answer.sending ? "1" : "0";
          if (answer.sending) {
            window.setTimeout(tick, every);
          }
        })
        .catch(function () {
          // Away for a moment (or signed out): ask less often, and give up after a while.
          if (++failures < 5) {
            window.setTimeout(tick, every * 4);
          }
        });
    }

    window.setTimeout(tick, every);
  }

  audienceCount();
  progress();
})();
