// The pipeline board: a card dragged to another column asks for the reason in a dialog and sends
// the same form as the card's own "Move" form; "select column" ticks a column's cards for the
// actions on a selection, and the count of chosen cards is kept up to date. Without scripts the
// cards' own forms and checkboxes do the same.
(() => {
  const board = document.getElementById("board");
  const dialog = document.getElementById("move-dialog");
  const bulk = document.getElementById("bulk-form");
  if (!board || !dialog || !bulk) return;
  const form = dialog.querySelector("form");
  const what = document.getElementById("move-what");
  const counter = document.getElementById("selected-count");
  const actions = document.getElementById("bulk");

  const picks = () => Array.from(document.querySelectorAll("input[name=ids][form=bulk-form]"));
  const showCount = () => {
    const n = picks().filter((box) => box.checked).length;
    counter.textContent = counter.dataset.template.replace("{n}", String(n));
    if (n > 0) actions.open = true; // the actions are where the chosen cards are acted on
  };

  board.querySelectorAll("label.select-column").forEach((label) => { label.hidden = false; });
  board.addEventListener("change", (event) => {
    const box = event.target;
    if (box.dataset && box.dataset.selectColumn) {
      const column = document.getElementById("col-" + box.dataset.selectColumn);
      column.querySelectorAll("input[name=ids]").forEach((pick) => { pick.checked = box.checked; });
    }
    showCount();
  });
  showCount();

  let dragged = null;
  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".board-card");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
  });
  board.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    board.querySelectorAll(".board-col.over").forEach((col) => col.classList.remove("over"));
  });
  board.addEventListener("dragover", (event) => {
    const column = event.target.closest && event.target.closest(".board-col");
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".board-col.over").forEach((col) => {
      if (col !== column) col.classList.remove("over");
    });
    column.classList.add("over");
  });
  board.addEventListener("drop", (event) => {
    const column = event.target.closest && event.target.closest(".board-col");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("over");
    const card = dragged;
    dragged = null;
    if (card.closest(".board-col") === column) return; // dropped where it was: nothing to change
    form.elements.candidate_id.value = card.dataset.id;
    form.elements.status.value = column.dataset.status;
    what.textContent = dialog.dataset.template
      .replace("{name}", card.dataset.name)
      .replace("{status}", column.dataset.label);
    form.elements.reason.value = "";
    dialog.showModal();
    form.elements.reason.focus();
  });
  document.getElementById("move-cancel").addEventListener("click", () => dialog.close());
})();
