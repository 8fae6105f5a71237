/* cairn ui core: DOM building without innerHTML (memory text is never parsed as HTML), the API client, small formats. */
"use strict";
window.Cairn = (() => {
  const token = document.querySelector('meta[name="cairn-token"]').content;

  /** h("a", {href: "#/"}, "text", child…): attributes starting with "on" are listeners. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "value") el.value = v;
      // Through the CSSOM: the Content-Security-Policy refuses style attributes written as markup.
      else if (k === "style") el.style.cssText = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    append(el, children);
    return el;
  }
  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
    for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  }

  class ApiError extends Error {}
  async function api(path, params, body) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
    const init = { headers: { "x-cairn-token": token } };
    if (body !== undefined) {
      init.method = "POST";
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(url, init);
    const type = res.headers.get("content-type") || "";
    const data = type.includes("json") ? await res.json() : { error: { message: await res.text() } };
    // A refusal without a body of ours (a request the server would not read) still says what happened.
    if (!res.ok) throw new ApiError((data.error && data.error.message) || `The server refused the request: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}.`);
    return data;
  }

  function toast(text) {
    const t = document.getElementById("toast");
    t.textContent = text;
    t.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove("show"), 3500);
  }

  const main = () => document.getElementById("main");
  /** Replaces the page content; focus moves to the new heading so keyboard and screen reader users follow. */
  function render(...children) {
    const m = main();
    m.replaceChildren();
    append(m, children);
    const heading = m.querySelector("h2");
    if (heading && !m.contains(document.activeElement)) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
  function failure(err) {
    return h("p", { class: "error", role: "alert" }, err instanceof Error ? err.message : String(err));
  }

  const date = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) : "—");
  const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`);
  const ms = (n) => (n === null || n === undefined ? "—" : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
  // Cut by code point: a cut by UTF-16 unit split an emoji and showed half of it as "�".
  const cut = (text, n) => {
    const points = Array.from(text);
    return points.length > n ? `${points.slice(0, n - 1).join("")}…` : text;
  };
  const memoryLink = (id, text, attrs) => h("a", { href: `#/m/${encodeURIComponent(id)}`, ...attrs }, text);
  const badge = (text, cls) => h("span", { class: `badge ${cls || ""}` }, text);

  /** The short name cairn shows for a project key (from /api/meta), else the key itself. */
  function projectName(key) {
    const p = window.Cairn.meta && window.Cairn.meta.projects.find((x) => x.key === key);
    return p ? p.name : key;
  }

  /** One memory as a list item: its text is the link (Enter opens it), then type, status, project, its time, tags. */
  function memoryItem(m, shortId, extra) {
    return h("li", { class: "item" },
      memoryLink(m.id, cut(m.content, 400), { class: "open" }),
      h("div", { class: "meta" },
        badge(m.type), m.status && m.status !== "active" ? badge(m.status, m.status) : null,
        h("span", {}, shortId || m.id.slice(-8)),
        h("span", { title: m.project || "" }, m.project ? `project ${projectName(m.project)}` : "global"),
        // The time Browse's Since/Until filter by: when it happened if the memory says so, else when it was written.
        m.event_time != null
          ? h("span", { title: `written ${date(m.created_at)}` }, `happened ${date(m.event_time)}`)
          : h("span", { title: "written" }, date(m.created_at)),
        (m.tags || []).length ? h("span", {}, `#${m.tags.join(" #")}`) : null),
      extra || null);
  }

  return { token, h, s, append, projectName, api, ApiError, toast, render, failure, fmt: { date, bytes, ms, cut }, memoryLink, memoryItem, badge };
})();
