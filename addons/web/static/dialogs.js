// Dialogs (wizards): a button's answer {"dialog": url} opens the dialog's page in a modal <dialog> over
// the current page; its buttons post with fetch and the answer closes it ({"redirect"}), opens the next
// dialog ({"dialog"}) or shows the refusal inside it. Without the script, a dialog is a page of its own.

function showErrors(dialog, answer) {
  for (const line of dialog.querySelectorAll(".field-error")) line.remove();
  const banner = dialog.querySelector("[data-dialog-error]");
  banner.textContent = answer.message;
  banner.hidden = false;
  for (const [name, message] of Object.entries(answer.errors || {})) {
    const holder = dialog.querySelector(`.field[data-field="${CSS.escape(name)}"] .control`);
    const line = Object.assign(document.createElement("p"), { className: "field-error", textContent: message });
    line.setAttribute("role", "alert");
    holder?.append(line);
  }
}

function bind(dialog, setup, overlay) {
  const form = dialog.querySelector("form");
  setup(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form, event.submitter);
    let response = null;
    let answer = null;
    try {
      response = await fetch(form.action, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
      answer = await response.json();
    } catch {
      answer = null;
    }
    if (response?.ok && answer?.redirect) { window.location.assign(answer.redirect); return; }
    if (response?.ok && answer?.dialog) {
      if (overlay) { dialog.close(); dialog.remove(); openDialog(answer.dialog, setup); } else window.location.assign(answer.dialog);
      return;
    }
    showErrors(dialog, answer?.message ? answer : { message: `${response ? response.status : 0}` });
  });
  if (!overlay) return;
  dialog.querySelector("[data-dialog-close]")?.addEventListener("click", (event) => {
    event.preventDefault();
    dialog.close();
  });
  dialog.addEventListener("close", () => dialog.remove());
}

// open the dialog page at `url` over the current page; `setup(form)` wires its widgets
export async function openDialog(url, setup) {
  const response = await fetch(url, { credentials: "same-origin" });
  const html = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = html.querySelector("dialog.wizard");
  if (!response.ok || !fresh) { window.location.assign(url); return; }
  const dialog = document.importNode(fresh, true);
  dialog.removeAttribute("open");
  document.body.append(dialog);
  dialog.showModal();
  bind(dialog, setup, true);
}

// a dialog shown as its own page (opened without the script, or reloaded)
export function setupDialogPage(setup) {
  const dialog = document.querySelector("main dialog.wizard");
  if (dialog) bind(dialog, setup, false);
}
