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
