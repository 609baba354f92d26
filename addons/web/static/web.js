// The web client's only script: tabs, autocompletion, modifiers, onchange, kanban drag and drop,
// unsaved-changes warning, list selection and keyboard shortcuts. No framework, no build step.

import { evaluateCondition } from "./conditions.js";
import { openDialog, setupDialogPage } from "./dialogs.js";

const csrf = () => document.body.dataset.csrf || "";
const strings = JSON.parse(document.body.dataset.strings || "{}");
// the user's language for the texts the script writes (the server sends them translated)
const t = (text, params = {}) => (strings[text] || text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));

async function rpc(url, params) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: JSON.stringify({ jsonrpc: "2.0", method: "call", params, id: Date.now() }),
    credentials: "same-origin",
  });
  const body = await response.json();
  if (body.error) throw new Error(body.error.data?.message || body.error.message);
  return body.result;
}

function notify(message, kind = "notice") {
  const area = document.getElementById("notifications");
  if (!area) return;
  const line = document.createElement("p");
  line.className = kind;
  line.textContent = message;
  area.replaceChildren(line);
}

// -- tabs -------------------------------------------------------------------------------------
function setupTabs(root) {
  for (const list of root.querySelectorAll("[role=tablist]")) {
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const select = (tab) => {
      for (const other of tabs) {
        const selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
      }
      tab.focus();
    };
    list.addEventListener("click", (event) => {
      const tab = event.target.closest("[role=tab]");
      if (tab) select(tab);
    });
    list.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(document.activeElement);
      if (index < 0) return;
      if (event.key === "ArrowRight") select(tabs[(index + 1) % tabs.length]);
      if (event.key === "ArrowLeft") select(tabs[(index - 1 + tabs.length) % tabs.length]);
    });
  }
}

// -- modifiers: conditions compiled by the server, read by conditions.js ---------------------------
// a field's value as the server's conditions see it: ids for relations, numbers, False when empty
function fieldValue(form, name) {
  const holder = form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
  if (!holder) return undefined;
  const inputs = [...holder.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
  if (holder.querySelector(".m2m")) return inputs.map((input) => Number(input.value));
  if (!inputs.length) return false;
  const first = inputs[0];
  if (first.type === "checkbox") return first.checked;
  if (first.type === "radio") return inputs.find((input) => input.checked)?.value || false;
  if (holder.querySelector(".m2o")) return first.value ? Number(first.value) : false;
  if (first.type === "number") return first.value === "" ? 0 : Number(first.value);
  return first.value === "" ? false : first.value;
}

function applyModifiers(form) {
  const values = (name) => fieldValue(form, name);
  const holds = (text) => evaluateCondition(JSON.parse(text), values);
  for (const node of form.querySelectorAll("[data-invisible]")) {
    try { node.hidden = holds(node.dataset.invisible); } catch { /* the server decides on save */ }
  }
  for (const node of form.querySelectorAll("[data-required]")) {
    try { node.classList.toggle("is-required", holds(node.dataset.required)); } catch { /* idem */ }
  }
  for (const list of form.querySelectorAll("[role=tablist]")) {  // a page that became invisible gives way
    const tabs = [...list.querySelectorAll("[role=tab]")];
    const current = tabs.find((tab) => tab.getAttribute("aria-selected") === "true");
    const next = current && !current.hidden ? current : tabs.find((tab) => !tab.hidden);
    for (const tab of tabs) {
      tab.setAttribute("aria-selected", String(tab === next));
      document.getElementById(tab.getAttribute("aria-controls")).hidden = tab !== next;
    }
  }
}

// -- many2one / many2many autocompletion ----------------------------------------------------------
function setupAutocomplete(widget, multiple) {
  const input = widget.querySelector(multiple ? "[data-m2m-input]" : "[data-m2o-input]");
  const list = widget.querySelector(".dropdown");
  if (!input || !list) return;
  const model = widget.dataset.model;
  const field = widget.dataset.field;
  const hidden = multiple ? null : widget.querySelector(`input[type=hidden][name="${CSS.escape(field)}"]`);
  let timer = null;
  let quiet = false;
  let generation = 0;
  let shown = "";  // the term and exclusions the dropdown lists  // a search answered after the dropdown was closed or searched again is dropped
  const close = () => { clearTimeout(timer); generation += 1; list.hidden = true; input.setAttribute("aria-expanded", "false"); };
  const refocus = () => { quiet = true; input.focus(); };
  const choose = (id, name) => {
    if (multiple) {
      const tag = document.createElement("li");
      tag.className = "tag";
      tag.dataset.id = id;
      tag.append(name);
      const value = Object.assign(document.createElement("input"), { type: "hidden", name: field, value: id });
      const remove = Object.assign(document.createElement("button"), { type: "button", className: "tag-remove", textContent: "×" });
      remove.setAttribute("aria-label", `Remove ${name}`);
      tag.append(value, remove);
      widget.querySelector(".tags").append(tag);
      input.value = "";
    } else {
      hidden.value = id;
      input.value = name;
    }
    close();
    (multiple ? widget : hidden).dispatchEvent(new Event("change", { bubbles: true }));
  };
  const option = (label, onPick, extra = "") => {
    const item = document.createElement("li");
    item.setAttribute("role", "option");
    item.tabIndex = -1;
    item.className = extra;
    item.textContent = label;
    item.addEventListener("mousedown", (event) => { event.preventDefault(); onPick(); });
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); onPick(); }
      if (event.key === "ArrowDown") { event.preventDefault(); (item.nextElementSibling || item).focus(); }
      if (event.key === "ArrowUp") {
        event.preventDefault();
        if (item.previousElementSibling) item.previousElementSibling.focus(); else refocus();
      }
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(); refocus(); }
    });
    return item;
  };
  const search = async () => {
    const term = input.value.trim();
    const exclude = multiple ? [...widget.querySelectorAll(".tag")].map((tag) => Number(tag.dataset.id)) : [];
    const key = JSON.stringify([term, exclude]);
    if (key === shown && !list.hidden) return;  // the open dropdown already lists these
    const mine = ++generation;
    const found = await rpc("/web/json/name_search", { model, term, exclude, domain: widget.dataset.domain || "" });
    if (mine !== generation) return;
    shown = key;
    const items = found.map((record) => {
      const item = option(record.name, () => choose(record.id, record.name));
      if (record.icon) item.dataset.icon = record.icon;  // the kind of record (a company, a person), drawn by CSS
      return item;
    });
    if (term && "create" in widget.dataset) {
      items.push(option(`Create "${term}"`, async () => {
        try { const made = await rpc("/web/json/name_create", { model, name: term }); choose(made.id, made.name); }
        catch (error) { notify(error.message, "error"); }
      }, "create"));
    }
    const focused = [...list.children].indexOf(document.activeElement);
    list.replaceChildren(...items);
    list.hidden = items.length === 0;
    if (focused >= 0) {  // the entry that had the focus was replaced: keep the focus at the same place
      if (items[focused]) items[focused].focus(); else refocus();
    }
    input.setAttribute("aria-expanded", String(!list.hidden));
  };
  input.addEventListener("input", () => {
    if (!multiple && !input.value && hidden.value) {
      hidden.value = "";
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("focus", () => {
    if (quiet) { quiet = false; return; }  // back from the dropdown: do not open it again
    clearTimeout(timer);
    timer = setTimeout(search, 50);
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.querySelector("[role=option]")?.focus(); }
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); close(); }
  });
  widget.addEventListener("click", (event) => {
    const remove = event.target.closest(".tag-remove");
    if (remove) {
      remove.closest(".tag").remove();
      widget.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
}

// -- forms: dirty guard, modifiers, saving ---------------------------------------------------------

// the posted values of a form grouped by field (a one2many's rows under its field), files by name and size
function formValues(data) {
  const values = new Map();
  for (const [name, value] of data.entries()) {
    if (name.startsWith("__") || name === "csrf_token") continue;
    const field = name.split(".")[0];
    const shown = value instanceof File ? `${value.name}:${value.size}` : value;
    values.set(field, [...(values.get(field) || []), [name, shown]]);
  }
  return values;
}

function changedFields(before, after) {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => JSON.stringify(before.get(name) || []) !== JSON.stringify(after.get(name) || []));
}

function clearErrors(form) {
  for (const message of form.querySelectorAll(".field-error")) message.remove();
  for (const holder of form.querySelectorAll(".has-error")) holder.classList.remove("has-error");
  for (const input of form.querySelectorAll("[aria-invalid=true]")) { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
  form.querySelector("#form-error").hidden = true;
  form.querySelector("#form-conflict").hidden = true;
}

function showFieldError(form, name, message) {
  const holder = form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
  if (!holder) return false;
  holder.classList.add("has-error");
  const line = Object.assign(document.createElement("p"), { className: "field-error", id: `error-${name}`, textContent: message });
  line.setAttribute("role", "alert");
  holder.querySelector(".control")?.append(line);
  const input = holder.querySelector(`#field-${CSS.escape(name)}`);
  input?.setAttribute("aria-invalid", "true");
  input?.setAttribute("aria-describedby", line.id);
  return true;
}

function focusFirstError(form) {
  const invalid = form.querySelector("[aria-invalid=true]");
  if (!invalid) return;
  const panel = invalid.closest("[role=tabpanel]");
  if (panel) document.getElementById(panel.getAttribute("aria-labelledby"))?.click();
  invalid.focus();
}

function showBanner(form, message) {
  const banner = form.querySelector("#form-error");
  banner.textContent = message;
  banner.hidden = false;
  banner.scrollIntoView({ block: "nearest" });
}

// Save with fetch: only the changed fields of a stored record, the version it was loaded at, and the
// answer shown on the form (field messages, a banner, a conflict); the page changes only once saved.
function setupSaving(form, guard) {
  const initial = formValues(new FormData(form));
  const isNew = !form.querySelector("input[name=__write_date]");
  let overwrite = false;
  let submitter = null;
  const save = async () => {
    const data = new FormData(form, submitter);
    const current = formValues(data);
    const body = new FormData();
    for (const name of ["csrf_token", "__write_date", "__call"]) if (data.has(name)) body.append(name, data.get(name));
    if (overwrite) body.append("__overwrite", "1");
    const sent = isNew ? [...current.keys()] : changedFields(initial, current);
    if (!isNew) {
      body.append("__partial", "1");
      for (const name of sent) body.append("__fields", name);
      const loaded = [...initial.values()].flat().filter(([name]) => !name.includes("."));
      body.append("__loaded", JSON.stringify(loaded));
    }
    for (const name of sent) {
      for (const key of new Set((current.get(name) || []).map(([each]) => each))) {
        for (const value of data.getAll(key)) body.append(key, value);
      }
    }
    let response;
    let answer = null;
    try {
      response = await fetch(form.action, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
      answer = await response.json();
    } catch {
      answer = null;
    }
    if (response?.ok && answer?.redirect) {
      guard.saved();
      window.location.assign(answer.redirect);
      return;
    }
    if (response?.ok && answer?.dialog) {
      guard.saved();
      openDialog(answer.dialog, setupWidgets);
      return;
    }
    clearErrors(form);
    if (!answer?.message) {
      const status = response ? response.status : 0;
      showBanner(form, t("The server failed (error %(status)s): your changes were not saved. They are still in the form; try again.", { status }));
      return;
    }
    if (answer.code === "WRITE_CONFLICT") {
      const conflict = form.querySelector("#form-conflict");
      conflict.querySelector("[data-conflict-message]").textContent = answer.message;
      conflict.hidden = false;
      conflict.querySelector("[data-conflict-overwrite]").focus();
      return;
    }
    showBanner(form, answer.message);
    for (const [name, message] of Object.entries(answer.errors || {})) showFieldError(form, name, message);
    focusFirstError(form);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitter = event.submitter;
    save();
  });
  form.querySelector("[data-conflict-overwrite]")?.addEventListener("click", () => { overwrite = true; save(); });
  form.querySelector("[data-conflict-reload]")?.addEventListener("click", () => { guard.saved(); window.location.reload(); });
}

// the widgets of a form the client did not render itself (a dialog's)
function setupWidgets(form) {
  form.addEventListener("input", () => applyModifiers(form));
  form.addEventListener("change", () => applyModifiers(form));
  for (const widget of form.querySelectorAll(".m2o")) setupAutocomplete(widget, false);
  for (const widget of form.querySelectorAll(".m2m")) setupAutocomplete(widget, true);
  applyModifiers(form);
}

function setupForm(form) {
  let dirty = false;
  const guard = { saved: () => { dirty = false; } };
  form.addEventListener("input", () => { dirty = true; applyModifiers(form); });
  form.addEventListener("change", (event) => {
    dirty = true;
    applyModifiers(form);
    const field = onchangeField(form, event.target);
    if (field) runOnchange(form, field, event.target);
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
  for (const widget of form.querySelectorAll(".m2o")) setupAutocomplete(widget, false);
  for (const lines of form.querySelectorAll("[data-o2m]")) setupLines(lines);
  for (const widget of form.querySelectorAll(".m2m")) setupAutocomplete(widget, true);
  form.querySelector("[data-cancel]")?.addEventListener("click", (event) => {
    if (dirty && !window.confirm(t("Discard your changes?"))) event.preventDefault();
    else dirty = false;
  });
  applyModifiers(form);
  setupSaving(form, guard);
  focusFirstError(form);
}

// -- onchange: the server answers what follows from the field the user changed -------------------------
function onchangeField(form, target) {
  const fields = (form.dataset.onchangeFields || "").split(" ").filter(Boolean);
  // a many2one's text input only searches: its hidden input (or the many2many widget) tells the choice
  if (!fields.length || !(target instanceof Element) || target.matches("[data-m2o-input], [data-m2m-input]")) return null;
  const name = target.getAttribute("name") || target.closest("[data-field]")?.dataset.field || "";
  return fields.find((field) => name === field || name.startsWith(`${field}.`)) || null;
}

// Sets a control to the server's value, unless the user changed it since the values were sent.
function setControl(scope, name, value, sent) {
  const inputs = [...scope.querySelectorAll(`[name="${CSS.escape(name)}"]`)];
  const first = inputs[0];
  if (!first) return false;
  if (sent.has(name) && first.type !== "checkbox" && first.type !== "radio" && first.value !== sent.get(name)) return true;
  const widget = first.closest(".m2o");
  if (widget && Array.isArray(value)) {
    first.value = value[0] || "";
    const text = widget.querySelector("[data-m2o-input]");
    if (text) text.value = value[1] || "";
  } else if (first.type === "checkbox") {
    first.checked = Boolean(value);
  } else if (first.type === "radio") {
    for (const input of inputs) input.checked = input.value === value;
  } else {
    first.value = value === false || value === null ? "" : value;
  }
  return true;
}

function showWarning(form, warning) {
  document.querySelector("dialog.onchange-warning")?.close();
  const dialog = document.createElement("dialog");
  dialog.className = "onchange-warning";
  dialog.setAttribute("role", "alertdialog");
  dialog.setAttribute("aria-labelledby", "onchange-warning-title");
  const title = Object.assign(document.createElement("h2"), { id: "onchange-warning-title", textContent: warning.title || "" });
  const message = Object.assign(document.createElement("p"), { textContent: warning.message || "" });
  const ok = Object.assign(document.createElement("button"), { type: "button", className: "primary", textContent: form.dataset.okLabel || "OK" });
  ok.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  dialog.append(title, message, ok);
  document.body.append(dialog);
  dialog.showModal();
  ok.focus();
}

async function runOnchange(form, field, target) {
  const ticket = (form.onchangeTicket = (form.onchangeTicket || 0) + 1);
  const entries = [...new FormData(form)].filter(([, value]) => typeof value === "string");
  // a cell of a line ("order_line.0.product_uom_qty"): the line model's own onchange runs first
  const cell = (target.getAttribute("name") || target.closest("[data-field]")?.dataset.field || "").split(".");
  const line = cell.length === 3 && cell[0] === field ? { row: cell[1], column: cell[2] } : null;
  let result;
  try {
    result = await rpc(form.dataset.onchange, { entries, changed: field, line });
  } catch (error) {
    notify(error.message, "error");
    return;
  }
  if (ticket !== form.onchangeTicket) return; // a later change is on its way
  const sent = new Map(entries);
  for (const [name, value] of Object.entries(result.values || {})) setControl(form, name, value, sent);
  for (const [name, rows] of Object.entries(result.lines || {})) {
    for (const [index, cells] of Object.entries(rows)) {
      for (const [column, cell] of Object.entries(cells)) {
        const key = `${name}.${index}.${column}`;
        if (!setControl(form, key, cell.input, sent)) {
          const shown = form.querySelector(`[data-cell="${CSS.escape(key)}"]`);
          if (shown) shown.textContent = cell.text;
        }
      }
    }
  }
  for (const [name, domain] of Object.entries(result.domains || {})) {
    const widget = form.querySelector(`.m2o[data-field="${CSS.escape(name)}"]`);
    if (widget) widget.dataset.domain = domain;
  }
  applyModifiers(form);
  if (result.warning) showWarning(form, result.warning);
}

// -- one2many lines: a new row from the template, with the next row number --------------------------------
function setupLines(lines) {
  const template = lines.querySelector("template[data-line-template]");
  lines.querySelector("[data-add-line]")?.addEventListener("click", () => {
    const index = Number(lines.dataset.nextIndex);
    lines.dataset.nextIndex = String(index + 1);
    const row = template.content.firstElementChild.cloneNode(true);
    for (const node of row.querySelectorAll("[name], [data-field], [data-cell]")) {
      for (const attribute of ["name", "data-field", "data-cell"]) {
        const value = node.getAttribute(attribute);
        if (value) node.setAttribute(attribute, value.replace("__index__", String(index)));
      }
    }
    lines.querySelector("tbody").append(row);
    for (const widget of row.querySelectorAll(".m2o")) setupAutocomplete(widget, false);
    row.querySelector("input:not([type=hidden])")?.focus();
    lines.closest("form")?.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

// -- lists: selection, mass actions, groups ------------------------------------------------------
function setupList() {
  const all = document.querySelector("[data-select-all]");
  const boxes = () => [...document.querySelectorAll("input[name=ids]")];
  const refresh = () => {
    const count = boxes().filter((box) => box.checked).length;
    const label = document.querySelector("[data-selected-count]");
    if (label) label.textContent = t("%(count)s selected", { count });
    for (const button of document.querySelectorAll("[data-needs-selection]")) button.disabled = count === 0;
  };
  all?.addEventListener("change", () => { for (const box of boxes()) box.checked = all.checked; refresh(); });
  document.addEventListener("change", (event) => { if (event.target.name === "ids") refresh(); });
  for (const button of document.querySelectorAll("[data-confirm]")) {
    button.addEventListener("click", (event) => { if (!window.confirm(button.dataset.confirm)) event.preventDefault(); });
  }
  for (const details of document.querySelectorAll("details[data-group]")) {
    details.addEventListener("toggle", () => {
      const rows = details.closest("tbody").nextElementSibling;
      if (rows) rows.hidden = !details.open;
    });
  }
  refresh();
}

// -- "Load more" in a kanban column or a list group: the next rows, the page's address kept in step ------------
function setupLoadMore() {
  document.addEventListener("click", async (event) => {
    const link = event.target.closest("[data-load-more]");
    if (!link) return;
    event.preventDefault();
    const holder = link.closest(".kanban-column, tbody.group-rows");
    const selector = holder.matches(".kanban-column")
      ? `.kanban-column[data-value="${CSS.escape(holder.dataset.value)}"]`
      : `tbody.group-rows[data-group-value="${CSS.escape(holder.dataset.groupValue)}"]`;
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector(selector);
      if (!fresh) throw new Error(String(response.status));
      holder.replaceChildren(...fresh.childNodes);
      history.replaceState(null, "", link.href);
    } catch (error) {
      notify(t("Could not load more records (%(error)s).", { error: error.message }), "error");
    }
  });
}

// -- kanban drag and drop ----------------------------------------------------------------------------
function setupKanban(board) {
  const field = board.dataset.groupField;
  if (!field) return;
  let dragged = null;
  board.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".card");
    event.dataTransfer.setData("text/plain", dragged?.dataset.id || "");
  });
  board.addEventListener("dragover", (event) => { if (event.target.closest(".kanban-column")) event.preventDefault(); });
  board.addEventListener("drop", async (event) => {
    const column = event.target.closest(".kanban-column");
    if (!column || !dragged) return;
    event.preventDefault();
    const origin = dragged.closest(".kanban-column");
    column.querySelector(".cards").append(dragged);
    try {
      await rpc("/web/json/kanban_move", { model: board.dataset.model, id: Number(dragged.dataset.id), field, value: column.dataset.value || false });
      if (origin !== column) {  // the counts are the columns' true totals, not the cards loaded
        for (const [each, step] of [[origin, -1], [column, 1]]) {
          const count = each.querySelector(".count");
          count.textContent = String(Number(count.textContent) + step);
        }
      }
      notify(t("Moved"));
    } catch (error) {
      origin.querySelector(".cards").append(dragged);
      notify(error.message, "error");
    }
    dragged = null;
  });
}

// -- shortcuts and small behaviours --------------------------------------------------------------------
function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

function setupShortcuts() {
  const dialog = document.getElementById("shortcuts");
  document.querySelector("[data-shortcuts-open]")?.addEventListener("click", () => dialog?.showModal());
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      // an autocompletion's Escape closes its dropdown only
      if (document.querySelector("dialog[open]") || event.defaultPrevented || event.target.closest?.(".m2o, .m2m")) return;
      const cancel = document.querySelector("[data-cancel]");
      if (cancel) { event.preventDefault(); cancel.click(); }
      return;
    }
    if (typing(event.target)) return;
    if (event.key === "/") { event.preventDefault(); document.querySelector("[data-shortcut-search]")?.focus(); }
    else if (event.key === "n" || event.key === "N") { document.querySelector("[data-shortcut-new]")?.click(); }
    else if (event.key === "?") { dialog?.showModal(); }
  });
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  const custom = document.querySelector(".custom-filter");
  custom?.addEventListener("submit", () => {
    const part = (name) => custom.querySelector(`[data-cf=${name}]`).value;
    custom.querySelector("[data-custom-filter-target]").value = `${part("field")}|${part("operator")}|${part("value")}`;
  });
}

setupShortcuts();
setupTabs(document);
setupList();
setupLoadMore();
setupDialogPage(setupWidgets);
for (const form of document.querySelectorAll("form[data-dirty-guard]")) setupForm(form);
for (const board of document.querySelectorAll(".kanban")) setupKanban(board);
