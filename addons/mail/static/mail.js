// The mail addon's part of the web client: the notification bell in the header and the chatter under
// the form of every record whose model inherits mail.thread. Loaded on every page through the addon's
// manifest (assets, bundle web.assets_backend); it talks to the /mail/... JSON routes.

const csrf = () => document.body.dataset.csrf || "";

async function call(url, params) {
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

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

function showError(container, error) {
  let line = container.querySelector(":scope > .error");
  if (!line) {
    line = el("p", { class: "error", role: "alert" });
    container.prepend(line);
  }
  line.textContent = error.message;
}

// -- the bell ----------------------------------------------------------------------------------
function bellIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "mail-bell-icon");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z");
  svg.append(path);
  return svg;
}

function setupBell() {
  const tools = document.querySelector(".topbar .tools");
  if (!tools || !document.body.dataset.csrf) return;
  const count = el("span", { class: "mail-bell-count", hidden: true });
  const button = el("button", { type: "button", class: "mail-bell-button", "aria-expanded": "false",
                                "aria-haspopup": "true" }, bellIcon(), count);
  const panel = el("div", { class: "mail-bell-panel", hidden: true });
  const bell = el("div", { class: "mail-bell", id: "mail-bell" }, button, panel);
  tools.prepend(bell);
  let labels = {};
  const l = (text) => labels[text] || text;

  const render = (data) => {
    labels = data.labels || labels;
    button.setAttribute("aria-label", `${l("Notifications")} (${data.unread})`);
    count.textContent = String(data.unread);
    count.hidden = !data.unread;
    const markAll = el("button", { type: "button", class: "link mail-bell-read-all", onclick: async () => {
      try { render({ ...(await call("/mail/notification/read", { ids: [] })), labels }); } catch (e) { showError(panel, e); }
    } }, l("Mark all read"));
    const items = data.items.map((item) => el("li", { class: `mail-notification${item.is_read ? "" : " unread"}`,
                                                      "data-id": item.id },
      item.res_model
        ? el("a", { href: `/mail/open/${encodeURIComponent(item.res_model)}/${item.res_id}`, onclick: async (event) => {
            event.preventDefault();
            try { await call("/mail/notification/read", { ids: [item.id] }); } finally { window.location.href = event.currentTarget.href; }
          } }, item.title)
        : el("span", {}, item.title),
      el("button", { type: "button", class: "link mail-dismiss", "aria-label": l("Dismiss"), onclick: async () => {
        try { render({ ...(await call("/mail/notification/dismiss", { ids: [item.id] })), labels }); } catch (e) { showError(panel, e); }
      } }, "×")));
    panel.replaceChildren(el("div", { class: "mail-bell-head" }, el("strong", {}, l("Notifications")), markAll),
                          items.length ? el("ul", {}, items) : el("p", { class: "muted" }, l("No notifications.")));
  };
  const refresh = async () => { try { render(await call("/mail/bell", {})); } catch (e) { showError(panel, e); } };
  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) refresh();
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") panel.hidden = true; });
  refresh();
  setInterval(refresh, 60000);
}

// -- the chatter -------------------------------------------------------------------------------
function setupChatter() {
  const aside = document.getElementById("record-aside");
  if (!aside || !aside.dataset.resId) return;
  const base = { model: aside.dataset.model, res_id: Number(aside.dataset.resId) };
  const state = { kind: "", messages: [], more: false, data: null };
  const chatter = el("div", { class: "chatter", id: "chatter" });
  const l = (text) => state.data?.labels?.[text] || text;

  const load = async (append = false) => {
    const data = await call("/mail/chatter/load", { ...base, kind: state.kind, offset: append ? state.messages.length : 0 });
    if (!data.thread) return false;
    state.data = data;
    state.messages = append ? state.messages.concat(data.messages) : data.messages;
    state.more = data.more;
    render();
    return true;
  };
  const run = async (action) => {
    try { await action(); open = null; await load(); } catch (e) { showError(chatter, e); }
  };

  const composer = (messageType) => {
    const text = el("textarea", { class: "chatter-body", rows: 3, "aria-label": messageType === "note" ? l("Log note") : l("Send message") });
    const files = el("input", { type: "file", multiple: true, class: "chatter-files", "aria-label": l("Attach files") });
    const post = el("button", { type: "button", class: "primary chatter-post", onclick: () => run(async () => {
      const ids = [];
      if (files.files.length) {
        const form = new FormData();
        form.append("csrf_token", csrf());
        form.append("res_model", base.model);
        form.append("res_id", String(base.res_id));
        for (const file of files.files) form.append("ufile", file);
        const response = await fetch("/web/binary/upload_attachment", { method: "POST", body: form, credentials: "same-origin" });
        const uploaded = await response.json();
        if (!response.ok) throw new Error(uploaded.error?.message || uploaded.message || response.statusText);
        ids.push(...uploaded.map((a) => a.id));
      }
      await call("/mail/chatter/post", { ...base, body: text.value, message_type: messageType, attachment_ids: ids });
    }) }, l("Post"));
    return el("div", { class: `chatter-composer chatter-composer-${messageType}` }, text, files, post);
  };

  const scheduler = () => {
    const type = el("select", { class: "chatter-activity-type", "aria-label": l("Type") },
      state.data.activity_types.map((t) => el("option", { value: t.id }, t.name)));
    const summary = el("input", { type: "text", class: "chatter-activity-summary", placeholder: l("Summary"), "aria-label": l("Summary") });
    const due = el("input", { type: "date", class: "chatter-activity-due", "aria-label": l("Due") });
    const plan = el("button", { type: "button", class: "primary chatter-activity-plan", onclick: () => run(() =>
      call("/mail/chatter/schedule", { ...base, activity_type_id: Number(type.value), summary: summary.value, date_deadline: due.value || false })) }, l("Plan"));
    return el("div", { class: "chatter-scheduler" }, type, summary, due, plan);
  };

  // the followers: a list with a remove button each, and a partner search adding one
  const followersPanel = (data) => {
    const found = el("ul", { class: "chatter-follower-choices", role: "listbox" });
    const search = el("input", { type: "search", class: "chatter-follower-search", placeholder: l("Add a follower"),
                                 "aria-label": l("Add a follower"), oninput: async () => {
      const term = search.value.trim();
      if (!term) { found.replaceChildren(); return; }
      try {
        const partners = await call("/web/json/name_search", { model: "basepartner", term });
        found.replaceChildren(...partners.map((p) => el("li", { role: "option" }, el("button", { type: "button", class: "link",
          onclick: () => run(() => call("/mail/chatter/follow", { ...base, follow: true, partner_id: p.id })) }, p.name))));
      } catch (e) { showError(chatter, e); }
    } });
    const list = el("ul", { class: "chatter-follower-list" }, data.followers.map((f) => el("li", { class: "chatter-follower" }, f.name,
      el("button", { type: "button", class: "link chatter-follower-remove", "aria-label": `${l("Remove")} ${f.name}`, onclick: () =>
        run(() => call("/mail/chatter/follow", { ...base, follow: false, partner_id: f.partner_id || false, user_id: f.user_id || false })) }, "×"))));
    return el("details", { class: "chatter-followers", open: open === "followers" || null, ontoggle: (event) => {
      open = event.target.open ? "followers" : (open === "followers" ? null : open);
    } }, el("summary", {}, `${l("Followers")}: ${data.followers.length}`), list, search, found);
  };

  let open = null;
  const render = () => {
    const data = state.data;
    const toggle = (name) => () => { open = open === name ? null : name; render(); };
    const toolbar = el("div", { class: "chatter-toolbar" },
      el("button", { type: "button", class: "chatter-send", onclick: toggle("comment") }, l("Send message")),
      el("button", { type: "button", class: "chatter-log", onclick: toggle("note") }, l("Log note")),
      el("button", { type: "button", class: "chatter-schedule", onclick: toggle("activity") }, l("Schedule activity")),
      followersPanel(data),
      el("button", { type: "button", class: "link chatter-follow", onclick: () => run(() =>
        call("/mail/chatter/follow", { ...base, follow: !data.is_follower })) }, data.is_follower ? l("Unfollow") : l("Follow")));
    const panel = open === "comment" || open === "note" ? composer(open) : open === "activity" ? scheduler() : null;
    const activities = data.activities.length ? el("section", { class: "chatter-activities" },
      el("h3", {}, l("Activities")),
      el("ul", {}, data.activities.map((a) => {
        const feedback = el("input", { type: "text", class: "chatter-feedback", placeholder: l("Feedback"), "aria-label": l("Feedback") });
        return el("li", { class: `chatter-activity state-${a.state}`, "data-id": a.id },
          el("span", { class: "chatter-activity-state" }, l(a.state === "overdue" ? "Overdue" : a.state === "today" ? "Today" : "Planned")),
          el("strong", {}, ` ${a.type}`), a.summary ? `: ${a.summary}` : "",
          el("span", { class: "muted" }, ` · ${l("Due")} ${a.date_deadline} · ${l("Assigned to")} ${a.user}`),
          feedback,
          el("button", { type: "button", class: "chatter-done", onclick: () => run(() =>
            call("/mail/activity/done", { activity_id: a.id, feedback: feedback.value })) }, l("Mark done")));
      }))) : null;
    const filter = el("select", { class: "chatter-filter", "aria-label": l("All"), onchange: (event) => {
      state.kind = event.target.value;
      load().catch((e) => showError(chatter, e));
    } }, [["", "All"], ["comment", "Comments"], ["note", "Notes"], ["notification", "Tracked changes"]].map(([value, label]) =>
      el("option", { value, selected: state.kind === value }, l(label))));
    const timeline = state.messages.length ? el("ol", { class: "chatter-timeline" }, state.messages.map((m) => {
      const body = el("div", { class: "chatter-message-body" });
      body.innerHTML = m.body; // sanitised by the server (an allow-list); the page's CSP forbids inline scripts
      return el("li", { class: `chatter-message kind-${m.message_type}`, "data-id": m.id },
        el("div", { class: "chatter-message-head" }, el("strong", {}, m.author), el("time", { datetime: m.date }, ` ${m.date.replace("T", " ").slice(0, 16)}`)),
        body,
        m.tracking.length ? el("ul", { class: "chatter-tracking" }, m.tracking.map((t) =>
          el("li", {}, `${t.field}: `, el("span", { class: "old" }, t.old || "—"), " → ", el("span", { class: "new" }, t.new || "—")))) : null,
        m.attachments.length ? el("ul", { class: "chatter-attachments" }, m.attachments.map((a) =>
          el("li", {}, el("a", { href: a.url, target: "_blank", rel: "noopener" }, a.name)))) : null);
    })) : el("p", { class: "muted chatter-empty" }, l("No messages yet."));
    const more = state.more ? el("button", { type: "button", class: "chatter-more", onclick: () =>
      load(true).catch((e) => showError(chatter, e)) }, l("Load more")) : null;
    chatter.replaceChildren(toolbar, panel || "", activities || "", filter, timeline, more || "");
  };

  load().then((isThread) => { if (isThread) aside.append(chatter); }).catch((e) => { aside.append(chatter); showError(chatter, e); });
}

setupBell();
setupChatter();
