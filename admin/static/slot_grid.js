// The Slots page's week grid: pressing on an empty hour and dragging over free hours (one day
// or several) fills the series form below with those days and hours (the first and last
// dragged dates, the form's own step) and asks for its preview, the same preview-then-create
// flow the form has without this script. Pointer events, so a finger drags as a mouse does.
(function () {
  "use strict";
  var grid = document.querySelector("#week .week-grid");
  var form = document.getElementById("series-form");
  if (!grid || !form) {
    return;
  }
  var hint = document.getElementById("drag-hint");
  if (hint) {
    hint.hidden = false;
  }
  grid.classList.add("draggable");
  var start = null;
  var current = null;

  function cellAt(x, y) {
    var found = document.elementFromPoint(x, y);
    var cell = found ? found.closest("td.cell") : null;
    return cell && grid.contains(cell) ? cell : null;
  }

  function chosen() {
    var days = [start.dataset.day, current.dataset.day].sort();
    var a = Number(start.dataset.hour);
    var b = Number(current.dataset.hour);
    return { first: days[0], last: days[1], from: Math.min(a, b), to: Math.max(a, b) };
  }

  function paint() {
    var range = chosen();
    grid.querySelectorAll("td.cell").forEach(function (cell) {
      var hour = Number(cell.dataset.hour);
      var inside = cell.dataset.day >= range.first && cell.dataset.day <= range.last &&
        hour >= range.from && hour <= range.to;
      cell.classList.toggle("chosen", inside);
    });
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function weekday(iso) {
    var parts = iso.split("-");
    var day = new Date(Date.UTC(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2])));
    return (day.getUTCDay() + 6) % 7; // Monday is 0, as the form counts
  }

  function propose() {
    var range = chosen();
    var days = {};
    grid.querySelectorAll("td.cell").forEach(function (cell) {
      if (cell.dataset.day >= range.first && cell.dataset.day <= range.last) {
        days[weekday(cell.dataset.day)] = true;
      }
    });
    form.querySelectorAll("input[name=weekdays]").forEach(function (box) {
      box.checked = Boolean(days[box.value]);
    });
    form.elements.namedItem("start").value = two(range.from) + ":00";
    form.elements.namedItem("end").value = range.to >= 23 ? "23:59" : two(range.to + 1) + ":00";
    form.elements.namedItem("first_day").value = range.first;
    form.elements.namedItem("last_day").value = range.last;
    var breakStart = form.elements.namedItem("break_start");
    var breakEnd = form.elements.namedItem("break_end");
    if (breakStart && breakEnd) {
      breakStart.value = "";
      breakEnd.value = "";
    }
    // The answer opens at its preview, below the forms.
    form.setAttribute("action", form.getAttribute("action").split("#")[0] + "#preview");
    var preview = form.querySelector("button[name=action][value=preview]");
    if (form.requestSubmit) {
      form.requestSubmit(preview);
    } else {
      preview.click();
    }
  }

  grid.addEventListener("pointerdown", function (event) {
    var cell = event.target.closest("td.cell");
    if (!cell || !cell.classList.contains("empty") || cell.classList.contains("past")) {
      return; // a slot opens or is deleted; a past hour is not planned
    }
    if (event.button !== undefined && event.button !== 0) {
      return;
    }
    event.preventDefault();
    start = current = cell;
    paint();
  });

  grid.addEventListener("pointermove", function (event) {
    if (!start) {
      return;
    }
    var cell = cellAt(event.clientX, event.clientY);
    if (cell && cell !== current && !cell.classList.contains("past")) {
      current = cell;
      paint();
    }
  });

  function finish(event) {
    if (!start) {
      return;
    }
    var cell = event.type === "pointerup" ? cellAt(event.clientX, event.clientY) : null;
    if (cell && !cell.classList.contains("past")) {
      current = cell;
    }
    if (event.type === "pointercancel") {
      grid.querySelectorAll("td.cell.chosen").forEach(function (c) {
        c.classList.remove("chosen");
      });
    } else {
      propose();
    }
    start = current = null;
  }

  document.addEventListener("pointerup", finish);
  document.addEventListener("pointercancel", finish);
})();
