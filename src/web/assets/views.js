/* cairn ui: a memory's page (edit, forget, restore, erase), its graph, and the dashboard. */
"use strict";
(() => {
  const C = window.Cairn;
  const { h, api, render, failure, toast, fmt, badge, memoryLink } = C;

  async function memoryPage(id) {
    let data;
    try {
      data = await api("/api/memory", { id });
    } catch (err) {
      return render(h("h2", {}, "Memory"), failure(err));
    }
    const m = data.memory;
    const status = h("p", { id: "action-result", role: "status" });
    const act = async (label, fn) => {
      try {
        const r = await fn();
        toast(label);
        await memoryPage(m.id);
        if (r && r.receipt) showReceipt(r);
      } catch (err) {
        status.replaceChildren(failure(err));
      }
    };
    // The memory as loaded: a change made meanwhile (an agent, the CLI) is not overwritten (the API refuses: 409).
    const edit = editForm(m, (patch) => act("Saved.", () => api("/api/edit", {}, { id: m.id, updated_at: m.updated_at, ...patch })));
    render(
      h("h2", {}, `${m.type} `, h("span", { class: "muted" }, data.short_id), " ", m.status !== "active" ? badge(m.status, m.status) : null),
      h("div", { class: "content", id: "memory-content" }, m.content),
      h("div", { class: "actions" },
        m.status === "active" ? h("button", { type: "button", id: "edit", onclick: () => { edit.hidden = false; edit.querySelector("textarea").focus(); } }, "Edit") : null,
        m.status === "active" ? h("button", { type: "button", id: "forget", onclick: () => act("Forgotten (archived); Restore brings it back.", () => api("/api/forget", {}, { id: m.id, updated_at: m.updated_at, reason: "forgotten in cairn ui" })) }, "Forget") : null,
        m.status !== "active" ? h("button", { type: "button", id: "restore", onclick: () => act("Restored.", () => api("/api/restore", {}, { id: m.id })) }, "Restore") : null,
        h("button", { type: "button", id: "erase", class: "danger", onclick: () => confirmErase(m, data.short_id, status) }, "Erase for good…"),
        h("a", { href: `#/g/${encodeURIComponent(m.id)}`, id: "graph-link" }, "Graph view")),
      status, edit,
      h("dl", { class: "fields" }, fields(m)),
      h("h3", {}, `Links (${data.links.length})`),
      data.links.length === 0 ? h("p", { class: "muted" }, "No links.") :
        h("ul", { class: "plain" }, data.links.map((l) => h("li", {}, l.direction === "out" ? `${l.relation} → ` : `← ${l.relation} `,
          l.content === null ? h("span", { class: "muted" }, l.id) : memoryLink(l.id, fmt.cut(l.content, 120)), l.status && l.status !== "active" ? [" ", badge(l.status, l.status)] : null))),
      h("h3", {}, `History (${data.history.length})`),
      h("ol", { class: "plain history" }, data.history.map((e) => h("li", {},
        h("strong", {}, e.op), ` ${fmt.date(e.at)} by ${e.actor}`,
        e.content_before !== null ? h("pre", {}, `was: ${e.content_before}`) : null,
        e.detail ? h("div", { class: "muted" }, typeof e.detail === "string" ? e.detail : JSON.stringify(e.detail)) : null))),
    );
  }

  function fields(m) {
    const rows = [["id", m.id], ["project", m.project ? `${C.projectName(m.project)} (${m.project})` : "global"], ["tags", m.tags.join(", ") || "—"], ["priority", m.priority],
      ["created", fmt.date(m.created_at)], ["updated", fmt.date(m.updated_at)], ["event time", fmt.date(m.event_time)], ["expires", fmt.date(m.expires_at)],
      ["source", m.source || "—"], ["agent", m.agent || "—"], ["session", m.session_id || "—"], ["recalled", `${m.access_count} times, last ${fmt.date(m.last_accessed_at)}`]];
    if (m.superseded_by) rows.push(["superseded by", memoryLink(m.superseded_by, m.superseded_by)]);
    return rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]);
  }

  function editForm(m, save) {
    const form = h("form", { id: "edit-form", hidden: true, onsubmit: (ev) => {
      ev.preventDefault();
      const f = new FormData(form);
      // Only what was changed: a tag holding a comma came back split when the list was sent as typed.
      const was = { content: m.content, type: m.type, tags: m.tags.join(", "), priority: String(m.priority) };
      const patch = {};
      for (const k of ["content", "type", "tags", "priority"]) if (f.get(k) !== was[k]) patch[k] = f.get(k);
      save(patch);
    } },
      h("h3", {}, "Edit"),
      h("label", {}, "Content", h("textarea", { name: "content", value: m.content, "aria-label": "Content" })),
      h("div", { class: "actions" },
        // A reminder is made with its due time (`cairn remind`), not by changing a type: not offered.
        h("label", {}, "Type ", h("select", { name: "type" }, (C.meta ? C.meta.types.filter((t) => t !== "reminder" || m.type === "reminder") : [m.type]).map((t) => h("option", { value: t, selected: t === m.type }, t)))),
        h("label", {}, "Tags ", h("input", { name: "tags", value: m.tags.join(", ") })),
        h("label", {}, "Priority ", h("input", { name: "priority", type: "number", min: 1, max: 5, value: m.priority })),
        h("button", { type: "submit", class: "primary" }, "Save"),
        h("button", { type: "button", onclick: () => { form.hidden = true; document.getElementById("edit").focus(); } }, "Cancel")));
    return form;
  }

  function confirmErase(m, shortId, status) {
    const dialog = h("dialog", { id: "erase-dialog", "aria-labelledby": "erase-title" },
      h("h3", { id: "erase-title" }, `Erase ${shortId} for good?`),
      h("p", {}, "Its text goes from every table, the search index, vectors, old versions in the audit log, hook state and summaries quoting it. This cannot be undone; Forget keeps it restorable."),
      h("blockquote", { class: "muted" }, fmt.cut(m.content, 200)),
      h("div", { class: "actions" },
        h("button", { type: "button", id: "erase-cancel", onclick: () => dialog.close() }, "Cancel"),
        h("button", { type: "button", id: "erase-confirm", class: "danger", onclick: async () => {
          dialog.close();
          try {
            showReceipt(await api("/api/erase", {}, { id: m.id, confirm: m.id, updated_at: m.updated_at }));
          } catch (err) {
            status.replaceChildren(failure(err));
          }
        } }, "Erase for good")));
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector("#erase-cancel").focus();
  }

  function showReceipt(r) {
    const q = r.quoting ? `\nsummaries rewritten: ${r.quoting.rewritten.length}, purged with it: ${r.quoting.purged.length}` : "";
    render(h("h2", {}, "Erased"),
      h("p", {}, r.complete ? "Its content is gone from every table, the hook state and the files on disk." : "Gone from every table; another process still holds old copies on disk, finished when it lets go."),
      h("pre", { class: "receipt", id: "receipt" },
        `memory        ${r.id}\ncontent hash  ${r.receipt.content_hash}\nerased at     ${r.receipt.at}\naudit entry   ${r.receipt.audit_seq}:${r.receipt.audit_hash}${q}`),
      h("p", { class: "muted" }, "`cairn audit verify` proves the audit log still holds this entry."),
      h("p", {}, h("a", { href: "#/" }, "Back to search")));
  }

  async function graphPage(id) {
    try {
      const hood = await api("/api/graph", { id, depth: 2 });
      const root = hood.nodes.find((n) => n.id === hood.root);
      render(h("h2", {}, "Links around ", memoryLink(root.id, fmt.cut(root.content, 60))),
        hood.edges.length === 0 ? h("p", { class: "muted" }, "This memory has no links yet.") : null,
        hood.truncated ? h("p", { class: "muted" }, `The nearest ${hood.nodes.length} memories are drawn; more are linked beyond them (\`cairn graph ${root.id}\` lists them all).`) : null,
        C.charts.graph(hood, (n) => `${n.type}: ${fmt.cut(n.content, 28)}`),
        h("p", { class: "muted" }, "Tab moves between memories; Enter opens one."));
    } catch (err) {
      render(h("h2", {}, "Graph"), failure(err));
    }
  }

  async function dashboardPage() {
    let d;
    try {
      d = await api("/api/dashboard");
    } catch (err) {
      return render(h("h2", {}, "Dashboard"), failure(err));
    }
    const st = d.stats;
    const card = (n, l) => h("div", { class: "card" }, h("div", { class: "n" }, n), h("div", { class: "l" }, l));
    const forget = (id) => h("button", { type: "button", onclick: async (ev) => {
      try {
        await api("/api/forget", {}, { id, reason: "undone from the dashboard" });
        toast("Forgotten (archived).");
        ev.target.disabled = true;
      } catch (err) {
        toast(err.message);
      }
    } }, "Forget");
    const ref = (m, undo) => h("li", {}, m.content === null ? badge("erased", "erased") : [badge(m.type), " ", memoryLink(m.id, fmt.cut(m.content, 110)), m.status !== "active" ? [" ", badge(m.status, m.status)] : null, undo && m.status === "active" ? [" ", forget(m.id)] : null]);
    render(h("h2", {}, "Dashboard"),
      h("div", { class: "cards" }, card(st.total, "memories"), card((st.by_status.active || 0) - (st.expired || 0), "active"), st.expired ? card(st.expired, "expired") : null, card(fmt.bytes(st.db_bytes), "store size"),
        card(st.vectors, "vectors"), card(st.edges, "links"), card(st.audit_entries, "audit entries")),
      h("h3", {}, "Memories over time"), C.charts.growth(d.created_by_day),
      h("h3", {}, "Latency"),
      h("div", { class: "cards" }, C.charts.latency(d.latency.recall_points, d.latency.recall, "recalls"), C.charts.latency(d.latency.hook_points, d.latency.hook, "hook events")),
      h("h3", {}, "What hooks injected and captured lately"),
      d.recent_hooks.length === 0 ? h("p", { class: "muted" }, "No hook has injected or captured anything yet.") :
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "when"), h("th", {}, "event"), h("th", {}, "injected into the agent"), h("th", {}, "captured (undo with Forget)"))),
          h("tbody", {}, d.recent_hooks.map((e) => h("tr", {}, h("td", {}, fmt.date(e.at)), h("td", {}, e.event),
            h("td", {}, h("ul", { class: "plain" }, e.injected.map((m) => ref(m, false)))), h("td", {}, h("ul", { class: "plain" }, e.captured.map((m) => ref(m, true)))))))),
      h("p", { class: "muted" }, `Database: ${st.db_path}`));
  }

  Object.assign(C, { memoryPage, graphPage, dashboardPage });
})();
