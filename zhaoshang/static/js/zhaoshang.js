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

// data-download on an Excel or PDF link: the file takes seconds to make (a PDF notice ~3 s), so
// the link shows 正在生成… and ignores further clicks until the download starts. The link is
// sent with download_token=<random>; the answer sets the cookie download_token to that value
// (core/exports.py, for every view), which is the sign that the file has started. Without the
// cookie (an old server, an error page in another tab) the link comes back after 60 s.
(function () {
  var COOKIE = "download_token";
  var GIVE_UP_MS = 60000;

  function cookieValue() {
    var match = document.cookie.match(/(?:^|;\s*)download_token=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function restore(link) {
    link.removeAttribute("aria-busy");
    link.removeAttribute("aria-disabled");
    link.classList.remove("disabled", "zs-downloading");
    if (link.dataset.downloadLabel !== undefined) {
      link.innerHTML = link.dataset.downloadLabel;
      delete link.dataset.downloadLabel;
    }
    delete link.dataset.downloadToken;
  }

  function busy(link) {
    link.dataset.downloadLabel = link.innerHTML;
    link.setAttribute("aria-busy", "true");
    link.setAttribute("aria-disabled", "true");
    link.classList.add("zs-downloading");
    var spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    link.replaceChildren(spinner, document.createTextNode("正在生成…"));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-download]");
    if (!link) { return; }
    if (link.dataset.downloadToken) { event.preventDefault(); return; }
    var token = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set(COOKIE, token);
    link.href = url.toString();
    link.dataset.downloadToken = token;
    busy(link);
    var started = Date.now();
    var timer = window.setInterval(function () {
      if (cookieValue() === token || Date.now() - started > GIVE_UP_MS || !link.isConnected) {
        window.clearInterval(timer);
        if (cookieValue() === token) {
          document.cookie = COOKIE + "=; Max-Age=0; path=/; SameSite=Lax";
        }
        restore(link);
      }
    }, 250);
  });
})();
