// The language menu takes effect as soon as a language is chosen (without scripts: its button).
document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
