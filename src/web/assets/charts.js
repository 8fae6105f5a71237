/* cairn ui charts: inline SVG, drawn from the API's numbers; no library. Each chart has a text alternative. */
"use strict";
(() => {
  const { s, h, fmt } = window.Cairn;
  const COLORS = { decision: "#1f5fa8", lesson: "#2d8a4e", error: "#c0392b", preference: "#8e44ad", fact: "#d68910", task: "#17a2b8", checkpoint: "#7f8c8d", note: "#5d6d7e", reminder: "#b7950b" };
  const color = (type) => COLORS[type] || "#95a5a6";
  const DAY = 86400000;

  /** Memories created per day (or week, for long spans) by type, stacked; the last 60 buckets. */
  function growth(rows) {
    if (rows.length === 0) return h("p", { class: "muted" }, "No memories yet.");
    const first = Date.parse(rows[0].day);
    const last = Date.parse(rows[rows.length - 1].day);
    const step = last - first > 90 * DAY ? 7 * DAY : DAY;
    const start = Math.max(first, last - 59 * step);
    const buckets = new Map();
    for (const r of rows) {
      const t = Date.parse(r.day);
      if (t < start) continue;
      const key = start + Math.floor((t - start) / step) * step;
      const b = buckets.get(key) || {};
      b[r.type] = (b[r.type] || 0) + r.count;
      buckets.set(key, b);
    }
    const n = Math.floor((last - start) / step) + 1;
    const types = [...new Set(rows.map((r) => r.type))].sort();
    const W = 900, H = 220, L = 40, B = 28, bw = Math.min(36, Math.max(2, (W - L - 10) / n - 2));
    let max = 1;
    for (const b of buckets.values()) max = Math.max(max, Object.values(b).reduce((a, c) => a + c, 0));
    const y = (v) => H - B - (v / max) * (H - B - 10);
    const parts = [];
    for (const f of [0, 0.5, 1]) {
      const v = Math.round(max * f);
      parts.push(s("line", { x1: L, x2: W, y1: y(v), y2: y(v), stroke: "#e3e5e8" }), s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#5c6166" }, v));
    }
    for (let i = 0; i < n; i++) {
      const key = start + i * step;
      const b = buckets.get(key) || {};
      let acc = 0;
      const x = L + 4 + i * (bw + 2);
      for (const t of types) {
        const v = b[t] || 0;
        if (!v) continue;
        parts.push(s("rect", { x, y: y(acc + v), width: bw, height: y(acc) - y(acc + v), fill: color(t) }, s("title", {}, `${new Date(key).toISOString().slice(0, 10)}: ${v} ${t}`)));
        acc += v;
      }
      if (i % Math.ceil(n / 8) === 0) parts.push(s("text", { x: x + bw / 2, y: H - 8, "text-anchor": "middle", "font-size": 11, fill: "#5c6166" }, new Date(key).toISOString().slice(5, 10)));
    }
    const total = rows.reduce((a, r) => a + r.count, 0);
    const label = `Memories created per ${step === DAY ? "day" : "week"} by type; ${total} in all.`;
    return h("figure", { class: "chart" },
      s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label }, parts),
      h("figcaption", { class: "legend" }, label, types.map((t) => h("span", {}, h("i", { style: `background:${color(t)}` }), t))));
  }

  /** Latency of each recorded call, oldest to newest, with the median and 95th percentile as lines. */
  function latency(points, summary, what) {
    if (points.length === 0) return h("p", { class: "muted" }, `No ${what} recorded yet.`);
    const W = 440, H = 180, L = 46, B = 16;
    const max = Math.max(1, (summary.p95 || 1) * 1.6);
    const y = (v) => H - B - (Math.min(v, max) / max) * (H - B - 8);
    const x = (i) => L + 4 + (i / Math.max(1, points.length - 1)) * (W - L - 12);
    const parts = [s("line", { x1: L, x2: L, y1: 4, y2: H - B, stroke: "#c7cbd0" })];
    for (const [name, v] of [["p50", summary.p50], ["p95", summary.p95]]) {
      parts.push(s("line", { x1: L, x2: W, y1: y(v), y2: y(v), stroke: name === "p50" ? "#2d8a4e" : "#c0392b", "stroke-dasharray": "4 3" }),
        s("text", { x: L - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#5c6166" }, fmt.ms(v)));
    }
    points.forEach((p, i) => parts.push(s("circle", { cx: x(i), cy: y(p.ms), r: 2.5, fill: p.path === "cold" ? "#d68910" : "#1f5fa8", opacity: 0.75 }, s("title", {}, `${p.at}: ${fmt.ms(p.ms)} ${p.event || p.via || ""} ${p.path || ""}`))));
    const label = `${what}: ${summary.count} recorded, median ${fmt.ms(summary.p50)}, 95th percentile ${fmt.ms(summary.p95)}, slowest ${fmt.ms(summary.max)}.`;
    return h("figure", { class: "chart" }, s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label }, parts), h("figcaption", { class: "muted" }, label));
  }

  /** A memory's neighbourhood: the root in the middle, each hop on a wider ring; nodes are links (Tab, Enter). */
  function graph(hood, shortLabel) {
    const hop = new Map([[hood.root, 0]]);
    let frontier = [hood.root];
    while (frontier.length) {
      const next = [];
      for (const id of frontier) for (const e of hood.edges) {
        const other = e.from === id ? e.to : e.to === id ? e.from : null;
        if (other && !hop.has(other)) (hop.set(other, hop.get(id) + 1), next.push(other));
      }
      frontier = next;
    }
    const W = 900, H = 620, cx = W / 2, cy = H / 2;
    const rings = new Map();
    for (const n of hood.nodes) {
      const k = hop.get(n.id) ?? 1;
      rings.set(k, [...(rings.get(k) || []), n]);
    }
    const pos = new Map();
    for (const [k, nodes] of rings) nodes.forEach((n, i) => {
      // Never exactly opposite: a link between two memories of one ring would run through the middle.
      const a = (2 * Math.PI * i) / Math.max(3, nodes.length) - Math.PI / 2 + k * 0.4;
      pos.set(n.id, k === 0 ? [cx, cy] : [cx + Math.cos(a) * (k * 170), cy + Math.sin(a) * (k * 130)]);
    });
    relax(pos, hood, hood.root, W, H);
    const defs = s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 24, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#8d959c" })));
    const edges = hood.edges.map((e) => {
      const [x1, y1] = pos.get(e.from), [x2, y2] = pos.get(e.to);
      return s("g", {}, s("line", { x1, y1, x2, y2, stroke: "#8d959c", "stroke-width": 1.5, "marker-end": "url(#arrow)" }),
        s("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, "text-anchor": "middle", "font-size": 11, fill: "#33383d" }, e.relation));
    });
    const nodes = hood.nodes.map((n) => {
      const [x, y] = pos.get(n.id);
      const root = n.id === hood.root;
      return s("a", { href: `#/m/${encodeURIComponent(n.id)}`, "aria-label": `${n.type} ${n.status}: ${fmt.cut(n.content, 80)}` },
        s("circle", { cx: x, cy: y, r: root ? 16 : 11, fill: color(n.type), stroke: n.status === "active" ? "#fff" : "#d68910", "stroke-width": 3 }),
        s("text", { x, y: y + (root ? 32 : 26), "text-anchor": "middle", "font-size": 12, fill: "#1d1f21" }, `${shortLabel(n)}`),
        s("title", {}, n.content));
    });
    return h("figure", { class: "chart" }, s("svg", { class: "graph", viewBox: `0 0 ${W} ${H}`, role: "group", "aria-label": `${hood.nodes.length} memories, ${hood.edges.length} links` }, defs, edges, nodes));
  }

  /**
   * A few rounds of a spring layout from the rings: linked memories pull together, all push apart, the root
   * stays in the middle; enough for the tens of memories a neighbourhood holds.
   */
  function relax(pos, hood, root, W, H) {
    const ids = [...pos.keys()];
    const k = Math.min(W, H) / Math.max(2, Math.sqrt(ids.length) + 1);
    for (let round = 0; round < 200; round++) {
      const move = new Map(ids.map((id) => [id, [0, 0]]));
      for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = [pos.get(ids[i]), pos.get(ids[j])];
        const dx = a[0] - b[0] || 0.1, dy = a[1] - b[1] || 0.1, d = Math.hypot(dx, dy);
        const f = (k * k) / d / d;
        move.get(ids[i])[0] += dx * f; move.get(ids[i])[1] += dy * f;
        move.get(ids[j])[0] -= dx * f; move.get(ids[j])[1] -= dy * f;
      }
      for (const e of hood.edges) {
        const [a, b] = [pos.get(e.from), pos.get(e.to)];
        const dx = a[0] - b[0], dy = a[1] - b[1], d = Math.max(1, Math.hypot(dx, dy));
        const f = d / k;
        move.get(e.from)[0] -= (dx / d) * f; move.get(e.from)[1] -= (dy / d) * f;
        move.get(e.to)[0] += (dx / d) * f; move.get(e.to)[1] += (dy / d) * f;
      }
      const step = 12 * (1 - round / 200);
      for (const id of ids) {
        if (id === root) continue;
        const [mx, my] = move.get(id), m = Math.hypot(mx, my) || 1, p = pos.get(id);
        pos.set(id, [Math.min(W - 110, Math.max(110, p[0] + (mx / m) * Math.min(step, m))), Math.min(H - 40, Math.max(30, p[1] + (my / m) * Math.min(step, m)))]);
      }
    }
  }

  window.Cairn.charts = { growth, latency, graph, color };
})();
