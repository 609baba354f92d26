// The Jobs page (the ir.job list): progress as bars, and the list refreshed every few seconds while one of
// its jobs is queued or running, so the user watches them finish without reloading.

const REFRESH_MS = 2000;

function progressColumn(table) {
  // the column whose header sorts by "progress" (its label is translated, its field name is not)
  const headers = [...table.querySelectorAll("thead th")];
  return headers.findIndex((th) => /[?&]order=progress(\+|%20|&|$)/.test(th.querySelector("a")?.getAttribute("href") || ""));
}

function drawBars(table) {
  const column = progressColumn(table);
  if (column < 0) return;
  for (const row of table.querySelectorAll("tbody tr.record")) {
    const cell = row.children[column];
    const value = Number.parseInt(cell?.textContent || "", 10);
    if (!cell || Number.isNaN(value) || cell.querySelector("progress")) continue;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = value;
    bar.textContent = `${value}%`;
    cell.replaceChildren(bar, document.createTextNode(` ${value}%`));
  }
}

async function activeJobs() {
  // queued or running jobs this user sees (their own; every job for an administrator)
  const response = await fetch("/web/dataset/call_kw", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": document.body.dataset.csrf || "" },
    body: JSON.stringify({ jsonrpc: "2.0", method: "call", id: Date.now(), params: {
      model: "ir.job", method: "search_count", args: [[["state", "in", ["queued", "started"]]]], kwargs: {} } }),
    credentials: "same-origin",
  });
  const body = await response.json();
  return body.error ? 0 : body.result;
}

async function refresh(wasActive) {
  const wrap = document.querySelector(".table-wrap");
  const active = await activeJobs();
  if (wrap && (active || wasActive)) {  // once more after the last one finished
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    const fresh = response.ok && new DOMParser().parseFromString(await response.text(), "text/html").querySelector(".table-wrap");
    if (fresh) wrap.replaceChildren(...fresh.childNodes);
  }
  setup(active > 0);
}

function setup(wasActive = true) {
  const table = document.querySelector('table.list[data-model="ir.job"]');
  if (!table) return;
  drawBars(table);
  window.setTimeout(() => refresh(wasActive), REFRESH_MS);
}

setup();
