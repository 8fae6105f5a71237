/* cairn ui: search and browse pages, the hash router, and the keyboard shortcut ("/" focuses search). */
"use strict";
(() => {
  const C = window.Cairn;
  const { h, api, render, failure, fmt, memoryItem } = C;

  const sameName = (projects, x) => projects.some((o) => o !== x && o.name === x.name);

  /** The filter controls shared by search and browse; values come from (and go back to) the URL. */
  function filterControls(p, withStatus) {
    const meta = C.meta;
    const select = (name, label, options, current) => h("label", {}, label,
      h("select", { name }, options.map(([v, text]) => h("option", { value: v, selected: v === (current || "") }, text))));
    return [
      // A project's own count, and the global memories shown with it (as `cairn list --project` does); a name two
      // projects share is told apart by its key (QA: three "web (1)").
      select("project", "Project", [["", "all projects"], ["global", "global only"], ...meta.projects.map((x) => [x.key, `${sameName(meta.projects, x) ? x.key : x.name} (${x.count}, with global)`])], p.get("project")),
      select("type", "Type", [["", "any type"], ...meta.types.map((t) => [t, t])], p.get("type")),
      h("label", {}, "Tag", h("input", { name: "tag", value: p.get("tag") || "", size: 10 })),
      h("label", {}, "Since", h("input", { name: "since", value: p.get("since") || "", placeholder: "2026-01-01 or 7d", size: 11 })),
      h("label", {}, "Until", h("input", { name: "until", value: p.get("until") || "", placeholder: "date or 1d", size: 11 })),
      withStatus ? select("status", "Status", [["", "active"], ["archived", "archived"], ["superseded", "superseded"], ["all", "all"]], p.get("status")) : null,
      // Past their lifetime, memories leave lists until the sweep archives them; the dashboard counts them (QA).
      withStatus ? h("label", {}, h("input", { type: "checkbox", name: "expired", value: "1", checked: p.get("expired") === "1" }), " expired too") : null,
    ];
  }

  /** A filter form that writes its values into the hash (so Back works and a view can be bookmarked). */
  function filterForm(route, p, first, withStatus) {
    return h("form", { class: "filters", role: "search", onsubmit: (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      for (const [k, v] of new FormData(ev.target)) if (v) q.set(k, v);
      location.hash = `${route}?${q}`;
    } }, first, filterControls(p, withStatus), h("button", { type: "submit", class: "primary" }, withStatus ? "Show" : "Search"));
  }

  /** The longest search sent to the server: 4,000 characters, and 12,000 once escaped for the address (CJK text escapes to 9 a character; the server takes 16 KiB). */
  const MAX_QUERY = 4000;
  const MAX_ESCAPED = 12000;

  /** The start of `q` that fits both bounds, cut at a whole character. */
  function searchedPart(q) {
    let chars = Array.from(q).slice(0, MAX_QUERY);
    while (encodeURIComponent(chars.join("")).length > MAX_ESCAPED) chars = chars.slice(0, Math.floor(chars.length * 0.9));
    return chars.join("");
  }

  async function searchPage(p) {
    const q = p.get("q") || "";
    const box = h("input", { class: "q", id: "search", name: "q", type: "search", value: q, placeholder: "What did the agent learn about…", "aria-label": "Search memories", autocomplete: "off" });
    const mode = h("label", {}, "Mode", h("select", { name: "mode" }, C.meta.modes.map((m) => h("option", { value: m, selected: m === (p.get("mode") || C.meta.default_mode) }, m))));
    const results = h("section", { "aria-label": "Results", id: "results" });
    render(h("h2", {}, "Search"), filterForm("#/", p, [h("label", {}, "Words", box), mode], false), results);
    if (!q) {
      box.focus();
      return results.append(h("p", { class: "muted" }, "Type what you are looking for; results show how each channel (keyword, semantic, time) scored them."));
    }
    results.append(h("p", { class: "muted" }, "Searching…"));
    try {
      // A pasted log or stack trace is searched by its start: a longer address is refused by the server (HTTP 431).
      const sent = searchedPart(q);
      const r = await api("/api/recall", { ...Object.fromEntries(p), q: sent });
      const notes = r.warnings.map((w) => h("p", { class: "error" }, w));
      if (sent.length < q.length) notes.push(h("p", { class: "muted" }, `Searched the first ${sent.length.toLocaleString("en")} characters of the text.`));
      results.replaceChildren(...notes, h("p", { class: "muted" }, `${r.results.length} result${r.results.length === 1 ? "" : "s"} · ${r.mode} (${r.channels.join(", ")})`),
        r.results.length === 0 ? h("p", {}, "No matching memories.") :
          h("ol", { class: "results" }, r.results.map((hit) => memoryItem(hit, r.short_ids[hit.id], explain(hit)))));
    } catch (err) {
      results.replaceChildren(failure(err));
    }
    results.dataset.done = "1";
  }

  /** What `recall --explain` says: each channel's rank, raw score and part of the final score, then lifts. */
  function explain(hit) {
    const parts = Object.entries(hit.channels).map(([name, c]) => h("span", { title: `${name}: rank ${c.rank}, raw score ${c.score}, adds ${c.contribution}` },
      h("span", { class: "bar", style: `width:${Math.max(2, Math.round(Math.min(1, Math.abs(c.contribution)) * 60))}px` }), `${name} #${c.rank} +${c.contribution.toFixed(3)}`));
    for (const [name, v] of Object.entries(hit.lifts)) if (v) parts.push(h("span", {}, `${name} ${v > 0 ? "+" : ""}${v.toFixed(3)}`));
    if (hit.updates) parts.push(h("span", {}, "states a change to an older result"));
    if (hit.flagged_against) parts.push(h("span", {}, "flagged on write as a possible change of an older result"));
    if (hit.duplicate_of) parts.push(h("span", {}, "near-duplicate of a better result"));
    return h("div", { class: "explain", "aria-label": "Why this result" }, h("strong", {}, `score ${hit.score.toFixed(3)}`), parts.length ? parts : "no channel scored it");
  }

  const PAGE = 50;
  async function listPage(p) {
    const results = h("section", { "aria-label": "Memories", id: "results" }, h("p", { class: "muted" }, "Loading…"));
    render(h("h2", {}, "Browse"), filterForm("#/list", p, [], true), results);
    // An address edited by hand (offset=abc, past the end) starts over or shows the last page, not "1001–1000 shown".
    const asked = Number(p.get("offset") || 0);
    let offset = Number.isInteger(asked) && asked > 0 ? asked : 0;
    try {
      let r = await api("/api/list", { ...Object.fromEntries(p), limit: PAGE, offset });
      if (offset > 0 && offset >= r.total) {
        offset = Math.max(0, Math.floor((r.total - 1) / PAGE) * PAGE);
        r = await api("/api/list", { ...Object.fromEntries(p), limit: PAGE, offset });
      }
      const page = (o) => { const q = new URLSearchParams(p); q.set("offset", String(o)); return `#/list?${q}`; };
      results.replaceChildren(h("p", { class: "muted" }, `${r.total} memor${r.total === 1 ? "y" : "ies"}${r.total > PAGE ? `, ${offset + 1}–${offset + r.memories.length} shown` : ""}`),
        r.memories.length === 0 ? h("p", {}, "No memories match.") : h("ol", { class: "results" }, r.memories.map((m) => memoryItem(m, r.short_ids[m.id]))),
        h("div", { class: "pager" }, offset > 0 ? h("a", { href: page(Math.max(0, offset - PAGE)) }, "← newer") : null,
          offset + PAGE < r.total ? h("a", { href: page(offset + PAGE) }, "older →") : null));
    } catch (err) {
      results.replaceChildren(failure(err));
    }
    results.dataset.done = "1";
  }

  async function route() {
    const [path, query] = (location.hash.slice(1) || "/").split("?");
    const p = new URLSearchParams(query || "");
    const section = path.startsWith("/list") ? "list" : path.startsWith("/dashboard") ? "dashboard" : path === "/" ? "search" : "";
    for (const a of document.querySelectorAll("nav a")) a.toggleAttribute("aria-current", a.dataset.nav === section) && a.setAttribute("aria-current", "page");
    document.getElementById("main").replaceChildren();
    document.getElementById("toast").classList.remove("show"); // a note about the last page, not this one
    // A broken %-escape in a typed or pasted address names no memory: said, not a blank page (QA).
    const idOf = (part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        C.render(h("p", { class: "error" }, `"${part}" is not a memory id this page can read (a broken %-escape in the address).`));
        return null;
      }
    };
    if (path.startsWith("/m/")) {
      const id = idOf(path.slice(3));
      return id === null ? undefined : C.memoryPage(id);
    }
    if (path.startsWith("/g/")) {
      const id = idOf(path.slice(3));
      return id === null ? undefined : C.graphPage(id);
    }
    if (section === "list") return listPage(p);
    if (section === "dashboard") return C.dashboardPage();
    return searchPage(p);
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || document.querySelector("dialog[open]")) return;
    ev.preventDefault();
    const box = document.getElementById("search");
    if (box) box.focus();
    else location.hash = "#/";
  });
  window.addEventListener("hashchange", route);

  (async () => {
    try {
      C.meta = await api("/api/meta");
    } catch (err) {
      return render(h("h2", {}, "cairn"), failure(err));
    }
    await route();
    document.body.dataset.ready = "1";
  })();
})();
