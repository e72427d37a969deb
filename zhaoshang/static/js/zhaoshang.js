// Page glue: open htmx-loaded dialogs in the shared Bootstrap modal.
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.detail.target.id === "modal-content") {
    bootstrap.Modal.getOrCreateInstance(document.getElementById("modal")).show();
  }
});
document.addEventListener("zhaoshang:close-modal", function () {
  const modal = bootstrap.Modal.getInstance(document.getElementById("modal"));
  if (modal) modal.hide();
});

// The Content-Security-Policy (core/csp.py) runs no inline handlers: pages mark elements with
// data attributes and these listeners, on the document, act for them (also in htmx swaps).

// data-confirm on a form or a submit button: ask before sending.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var message = (button && button.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) { event.preventDefault(); }
});

// data-autosubmit on a select (or a form): choosing a value sends the form.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) { field.form.submit(); }
});

// data-select-on-focus on an input: the whole value is selected, ready to copy.
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) { event.target.select(); }
});

// data-enter-trigger="search" on an input: Enter fires that htmx trigger instead of the form.
document.addEventListener("keydown", function (event) {
  var el = event.target;
  if (event.key !== "Enter" || !el.matches || !el.matches("[data-enter-trigger]")) { return; }
  event.preventDefault();
  htmx.trigger(el, el.dataset.enterTrigger);
});

// Filter forms (.js-drop-empty) send only the conditions that are set, so shared links stay
// short and readable.
document.addEventListener("htmx:configRequest", function (event) {
  if (!event.detail.elt.closest || !event.detail.elt.closest(".js-drop-empty")) { return; }
  var params = event.detail.parameters;
  var keys = params instanceof FormData ? Array.from(new Set(params.keys())) : Object.keys(params);
  keys.forEach(function (key) {
    var values = params instanceof FormData ? params.getAll(key) : [].concat(params[key]);
    if (values.every(function (v) { return v === ""; })) {
      if (params instanceof FormData) { params.delete(key); } else { delete params[key]; }
    }
  });
});
