// The template editor's live preview: a moment after typing stops, the server renders the
// text with sample values in the template's language (POST /templates/preview, with the form's
// CSRF token). The bubble gets the server's sanitised HTML (`shown`: Telegram's formatting,
// everything else escaped by domain/messaging/telegram_view.py) and nothing else; the Telegram
// HTML source is shown as text. Without this script the form's Preview button does the same
// with a page load. Its words come from the page (data-*), in the account's language.
(function () {
  "use strict";
  var form = document.getElementById("template-form");
  var out = document.getElementById("preview");
  var bubble = document.getElementById("preview-shown");
  var problem = document.getElementById("preview-error");
  var size = document.getElementById("preview-length");
  if (!form || !out || !bubble || !problem || !size) {
    return;
  }
  var body = form.elements.namedItem("body");
  var timer = null;
  var asked = 0;

  function show(answer) {
    if (typeof answer.html === "string" && typeof answer.shown === "string") {
      out.textContent = answer.html;
      bubble.innerHTML = answer.shown; // sanitised by the server's whitelist, never the raw text
      problem.textContent = "";
      size.textContent = (size.dataset.of || "{length} of 4096 characters").replace("{length}", answer.length);
    } else {
      problem.textContent = answer.error || problem.dataset.failed || "The preview could not be made.";
      size.textContent = "";
    }
  }

  function refresh() {
    var mine = ++asked;
    var data = new URLSearchParams();
    data.set("csrf", form.elements.namedItem("csrf").value);
    data.set("key", form.dataset.key);
    data.set("body", body.value);
    data.set("locale", form.dataset.locale || "");
    fetch("/templates/preview", {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        var away = (problem.dataset.unavailable || "The preview is not available ({status}): reload the page.");
        return json ? response.json() : { error: away.replace("{status}", response.status) };
      })
      .then(function (answer) {
        if (mine === asked) {
          show(answer);
        }
      })
      .catch(function () {
        if (mine === asked) {
          show({ error: problem.dataset.unloaded || "The preview could not be loaded." });
        }
      });
  }

  body.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 350);
  });
})();
