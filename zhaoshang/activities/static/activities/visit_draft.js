// The visit form's draft, kept in this browser (localStorage) until the visit is saved: a form
// typed on the road survives a lost connection, a closed tab or a failed send. The page shown
// after a save names the draft to forget (data-draft-clear). Files are never kept.
(function () {
  "use strict";
  var SKIP = { csrfmiddlewaretoken: true, version: true, enterprise_q: true, acknowledge_conflicts: true };
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) { return; }

  document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
    store.removeItem(el.getAttribute("data-draft-clear"));
  });

  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var selected = document.getElementById("visit-enterprises-selected");

  function collect() {
    var data = { fields: {}, enterprises: [] };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit") { return; }
      if (el.name === "enterprises") {
        if (el.checked) { data.enterprises.push({ id: el.value, label: el.getAttribute("data-label") || el.value }); }
        return;
      }
      if (el.type === "radio") { if (el.checked) { data.fields[el.name] = el.value; } return; }
      if (el.type === "checkbox") { data.fields[el.name] = el.checked; return; }
      if (el.multiple) {
        data.fields[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
        return;
      }
      data.fields[el.name] = el.value;
    });
    return data;
  }

  function save() {
    try { store.setItem(key, JSON.stringify(collect())); } catch (e) { /* storage full: no draft */ }
  }

  function addEnterprise(item) {
    if (!selected || selected.querySelector('input[name="enterprises"][value="' + item.id + '"]')) { return; }
    var wrap = document.createElement("div");
    wrap.className = "form-check";
    var box = document.createElement("input");
    box.className = "form-check-input";
    box.type = "checkbox";
    box.name = "enterprises";
    box.value = item.id;
    box.id = "enterprise-" + item.id;
    box.checked = true;
    box.setAttribute("data-label", item.label);
    var label = document.createElement("label");
    label.className = "form-check-label";
    label.htmlFor = box.id;
    label.textContent = item.label;
    wrap.appendChild(box);
    wrap.appendChild(label);
    selected.appendChild(wrap);
  }

  function restore(data) {
    Object.keys(data.fields || {}).forEach(function (name) {
      var value = data.fields[name];
      Array.prototype.forEach.call(form.elements.namedItem(name) ? form.querySelectorAll('[name="' + name + '"]') : [], function (el) {
        if (el.type === "radio") { el.checked = el.value === value; }
        else if (el.type === "checkbox") { el.checked = !!value; }
        else if (el.multiple && Array.isArray(value)) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
        } else if (el.type !== "hidden") { el.value = value; }
      });
    });
    (data.enterprises || []).forEach(addEnterprise);
  }

  // A checkbox ticked in the search results moves into the chosen list (kept in the draft).
  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.name === "enterprises" && el.checked && selected && !selected.contains(el)) {
      addEnterprise({ id: el.value, label: el.getAttribute("data-label") || el.value });
      var row = el.closest("label");
      if (row) { row.remove(); }
    }
    save();
  });
  form.addEventListener("input", save);

  if (form.hasAttribute("data-draft-restore")) {
    var raw = store.getItem(key);
    if (raw) {
      try { restore(JSON.parse(raw)); } catch (e) { store.removeItem(key); raw = null; }
      var note = document.getElementById("visit-draft-note");
      if (raw && note) { note.classList.remove("d-none"); }
    }
  }
  var discard = document.getElementById("visit-draft-discard");
  if (discard) {
    discard.addEventListener("click", function () {
      store.removeItem(key);
      window.location.reload();
    });
  }
})();
