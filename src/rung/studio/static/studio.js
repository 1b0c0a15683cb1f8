// rung studio page. Every name is written with textContent (never innerHTML), and graph
// labels are drawn on a canvas by vis-network, so a variable name can never become markup.
"use strict";
(function () {
  const TOKEN = new URLSearchParams(location.search).get("token") || "";
  const TAB = Math.random().toString(36).slice(2, 10);
  const COLOURS = { data: "#1f6fb4", llm: "#7b3fb0", rule: "#666666", analyst: "#d9480f" };
  let state = null;       // the last full state
  let version = -1;       // the session version this tab shows
  let networks = {};
  let picked = [];        // nodes clicked on the current graph (to add an edge)
  let lastJob = "";

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function fmt(x, d) { return (x === null || x === undefined) ? "n/a" : Number(x).toPrecision(d || 3); }
  function showError(msg) { $("error").textContent = msg || ""; }

  async function api(path, opts) {
    const o = opts || {};
    o.headers = Object.assign({ "X-Studio-Token": TOKEN }, o.headers || {});
    const r = await fetch(path, o);
    const ct = r.headers.get("content-type") || "";
    const body = ct.includes("json") ? await r.json() : { error: await r.text() };
    if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
    return body;
  }
  function post(path, payload) {
    return api(path, { method: "POST", headers: { "Content-Type": "application/json" },
                       body: JSON.stringify(payload || {}) });
  }

  // ---------------------------------------------------------------- graphs
  function arrowsFor(kind) {
    switch (kind) {
      case "->": return { to: { enabled: true } };
      case "<->": return { to: { enabled: true }, from: { enabled: true } };
      case "o->": return { to: { enabled: true }, from: { enabled: true, type: "circle" } };
      case "o-o": return { to: { enabled: true, type: "circle" }, from: { enabled: true, type: "circle" } };
      default: return {};
    }
  }
  function pairKey(a, b) { return [a, b].sort().join("\t"); }
  function nodeData() {
    return state.nodes.map(n => {
      const p = state.positions[n] || [0, 0];
      const role = n === state.meta.treatment ? "#ffe8a3" : n === state.meta.outcome ? "#c9f0c9" : "#ffffff";
      return { id: n, label: n, x: p[0], y: p[1], shape: "box", color: { background: role, border: "#444" } };
    });
  }
  function edgeData(edges, authors) {
    return edges.map(e => {
      const key = pairKey(e.from, e.to);
      const who = authors ? authors[key] : null;
      return { id: key, from: e.from, to: e.to, arrows: arrowsFor(e.kind),
               dashes: e.kind === "<->", smooth: { type: "curvedCW", roundness: 0.12 },
               color: { color: who ? COLOURS[who] : "#555" }, width: who === "analyst" ? 3 : 1.5 };
    });
  }
  function makeNetwork(id, edges, authors) {
    const opts = { physics: false, interaction: { dragNodes: false, hover: true },
                   edges: { font: { size: 0 } }, nodes: { font: { face: "monospace" } } };
    const net = new vis.Network($(id), { nodes: new vis.DataSet(nodeData()),
                                         edges: new vis.DataSet(edgeData(edges, authors)) }, opts);
    net.once("afterDrawing", () => net.fit());
    return net;
  }
  function authorMap() {
    const m = {};
    for (const ev of state.evidence) if (ev.current) m[ev.key] = ev.author;
    return m;
  }
  function drawGraphs(full) {
    if (full || !networks.llm) {
      for (const k in networks) networks[k].destroy();
      networks = {
        llm: makeNetwork("g-llm", state.llm),
        data: makeNetwork("g-data", state.data),
        current: makeNetwork("g-current", state.current, authorMap()),
      };
      networks.current.on("click", onGraphClick);
    } else {
      const ds = networks.current.body.data.edges;
      ds.clear();
      ds.add(edgeData(state.current, authorMap()));
    }
    $("g-current").dataset.version = String(version);
    $("g-current").dataset.edges = state.current.map(e => e.from + " " + e.kind + " " + e.to).sort().join("; ");
  }
  function onGraphClick(params) {
    if (params.nodes.length) {
      picked.push(params.nodes[0]);
      if (picked.length > 2) picked = picked.slice(-2);
      if (picked.length === 2 && picked[0] !== picked[1]) showAddPanel(picked[0], picked[1]);
      return;
    }
    if (params.edges.length) showEdgePanel(params.edges[0]);
  }
  function button(label, fn, cls) {
    const b = el("button", label, cls);
    b.addEventListener("click", fn);
    return b;
  }
  function showAddPanel(a, b) {
    const p = clear($("edge-panel"));
    p.appendChild(el("span", "add an edge between " + a + " and " + b + ": "));
    p.appendChild(button(a + " → " + b, () => edit(a, b, "forward", "add")));
    p.appendChild(button(b + " → " + a, () => edit(a, b, "backward", "add")));
    p.appendChild(button(a + " ↔ " + b, () => edit(a, b, "bidirected", "add")));
  }
  function showEdgePanel(key) {
    const ev = state.evidence.find(e => e.key === key);
    const p = clear($("edge-panel"));
    if (!ev) return;
    p.appendChild(el("div", "current: " + (ev.current || "none") + " (decided by " + (ev.author || "n/a") + ")"));
    const llm = ev.llm || ev.llm_scored;
    p.appendChild(el("div", "LLM: " + (llm ? llm.edge + " probability " + fmt(llm.confidence, 2) +
      " (votes " + (llm.votes === null ? "n/a" : llm.votes) + ")" + (ev.llm ? "" : ", not proposed") : "not asked")));
    p.appendChild(el("div", "data: " + (ev.data_edge || "no edge") + "; largest CI-test p " + fmt(ev.p_value) +
      " given {" + ev.sepset.join(", ") + "}"));
    const cur = stateOf(ev.current, ev.a, ev.b);
    if (cur === "forward" || cur === "backward")
      p.appendChild(button("reverse", () => edit(ev.a, ev.b, cur === "forward" ? "backward" : "forward", "reverse")));
    if (cur !== "none") p.appendChild(button("remove", () => edit(ev.a, ev.b, "none", "remove")));
  }
  function stateOf(text, a, b) {
    if (!text) return "none";
    if (text === a + " -> " + b) return "forward";
    if (text === b + " -> " + a) return "backward";
    return "bidirected";
  }

  // ---------------------------------------------------------------- views
  function drawIdent(v) {
    const id = v.identification;
    const box = clear($("ident"));
    if (id.identifiable) {
      box.appendChild(el("div", "identifiable by " + id.method, "ident-method"));
      if (id.estimand) box.appendChild(el("code", id.estimand.text, "estimand-text"));
    } else {
      box.appendChild(el("div", "not identifiable", "ident-method"));
    }
    box.appendChild(el("div", id.reason, "small"));
    const ul = clear($("adjsets"));
    if (v.adjustment_sets === null) ul.appendChild(el("li", v.adjustment_note));
    else if (!v.adjustment_sets.length) ul.appendChild(el("li", "no adjustment set exists"));
    else for (const s of v.adjustment_sets) ul.appendChild(el("li", "{" + s.join(", ") + "}"));
    $("ident-ms").textContent = "computed in " + v.ms + " ms (graph version " + version + ")";
  }
  function drawDisagreements(rows) {
    const tb = clear($("disagreements").tBodies[0]);
    const authors = authorMap();
    for (const r of rows) {
      const tr = el("tr");
      tr.dataset.a = r.a; tr.dataset.b = r.b; tr.dataset.kind = r.kind;
      tr.appendChild(el("td", r.kind));
      tr.appendChild(el("td", r.a + " – " + r.b));
      tr.appendChild(el("td", r.llm_edge ? r.llm_edge + " (" + fmt(r.llm_confidence, 2) + ")" : "–"));
      tr.appendChild(el("td", r.data_edge || "–"));
      tr.appendChild(el("td", fmt(r.p_value) + " {" + r.sepset.join(", ") + "}"));
      tr.appendChild(el("td", r.final_edge || "none", "current-edge"));
      tr.appendChild(el("td", authors[pairKey(r.a, r.b)] || "–"));
      const td = el("td");
      const cur = stateOf(r.final_edge, r.a, r.b);
      if (r.llm_edge) {
        const [s, t] = r.llm_edge.split(" -> ");
        const want = s === r.a ? "forward" : "backward";
        if (t !== undefined && want !== cur) td.appendChild(button("accept", () => edit(r.a, r.b, want, "accept"), "accept"));
      }
      if (cur === "forward" || cur === "backward")
        td.appendChild(button("reverse", () => edit(r.a, r.b, cur === "forward" ? "backward" : "forward", "reverse"), "reverse"));
      if (cur !== "none") td.appendChild(button("remove", () => edit(r.a, r.b, "none", "remove"), "remove"));
      else td.appendChild(button("add", () => edit(r.a, r.b, "forward", "add"), "add"));
      tr.appendChild(td);
      tb.appendChild(tr);
    }
  }
  function drawDecisions(list) {
    const ol = clear($("decisions"));
    for (const d of list) {
      const li = el("li", d.action + " " + d.a + " – " + d.b + ": " + (d.before || "none") + " ⇒ " +
        (d.after || "none") + " by " + d.author + " (version " + d.version + ", tab " + d.tab + ")",
        d.undone ? "undone" : "");
      ol.appendChild(li);
    }
  }
  function drawGraphView(v) {
    version = v.version;
    state.current = v.current; state.evidence = v.evidence;
    drawGraphs(false);
    drawIdent(v.identification);
    drawDisagreements(v.disagreements);
    drawDecisions(v.decisions);
    $("version").textContent = "session version " + version;
    $("edge-panel").textContent = "";
    loadLazy();
  }
  let lazyTimer = null;
  function loadLazy() {
    clearTimeout(lazyTimer);
    lazyTimer = setTimeout(async () => {
      try {
        const pic = await api("api/estimand");
        const box = clear($("estimand-picture"));
        if (pic.picture && pic.version === version) {
          const img = el("img"); img.src = pic.picture; img.alt = "estimand"; box.appendChild(img);
        }
        drawImplications(await api("api/implications"));
      } catch (e) { showError(e.message); }
    }, 150);
  }
  function drawImplications(r) {
    if (r.version !== version) return;
    $("implications-summary").textContent = r.error || r.summary || "";
    const tb = clear($("implications").tBodies[0]);
    for (const t of r.tests || []) {
      const tr = el("tr");
      tr.appendChild(el("td", t.implication));
      tr.appendChild(el("td", t.rejected ? "fails" : "holds", t.rejected ? "fails" : "holds"));
      tr.appendChild(el("td", "p=" + fmt(t.p_adjusted) + " (" + t.test + ")"));
      tb.appendChild(tr);
    }
  }
  function sparkline(col) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "120"); svg.setAttribute("height", "28");
    const max = Math.max(1, ...col.counts);
    const w = 120 / col.counts.length;
    col.counts.forEach((c, i) => {
      const r = document.createElementNS(ns, "rect");
      const h = 26 * c / max;
      r.setAttribute("x", String(i * w)); r.setAttribute("y", String(27 - h));
      r.setAttribute("width", String(Math.max(w - 1, 1))); r.setAttribute("height", String(h));
      r.setAttribute("fill", "#6a8fb5");
      svg.appendChild(r);
    });
    return svg;
  }
  function drawData(s) {
    $("data-info").textContent = s.rows + " rows" + (s.transform !== "none" ? ", analysed on the " + s.transform + " scale" : "") +
      (s.preparation.length ? "; " + s.preparation.join("; ") : "");
    const tb = clear($("columns").tBodies[0]);
    for (const c of s.columns) {
      const tr = el("tr");
      tr.appendChild(el("td", c.name, "colname"));
      tr.appendChild(el("td", c.kind));
      tr.appendChild(el("td", c.missing));
      tr.appendChild(el("td", fmt(c.mean)));
      tr.appendChild(el("td", fmt(c.sd)));
      const td = el("td"); td.appendChild(sparkline(c)); tr.appendChild(td);
      tb.appendChild(tr);
    }
  }
  function drawResults(res, resVersion) {
    const box = clear($("verdict"));
    const v = res.verdict;
    if (!v) { box.appendChild(el("div", "no estimate yet: run it")); return; }
    const head = el("div", "verdict: " + v.status.toUpperCase(), "status-" + v.status);
    head.id = "verdict-status";
    box.appendChild(head);
    box.appendChild(el("div", v.summary));
    if (v.effect !== null && v.effect !== undefined)
      box.appendChild(el("div", "effect " + fmt(v.effect) + " [" + fmt(v.interval && v.interval[0]) + ", " + fmt(v.interval && v.interval[1]) + "]"));
    if (v.range) box.appendChild(el("div", "range over the plausible graphs: [" + fmt(v.range[0]) + ", " + fmt(v.range[1]) + "]"));
    const ul = el("ul");
    for (const f of v.flags || []) ul.appendChild(el("li", f));
    box.appendChild(ul);
    if (resVersion !== null && resVersion !== undefined && resVersion !== version)
      box.appendChild(el("div", "estimated on graph version " + resVersion + "; the graph has changed since (version " + version + ")", "note"));
    const tb = clear($("estimates").tBodies[0]);
    const est = res.estimates || {};
    for (const e of est.estimates || []) {
      const tr = el("tr");
      tr.appendChild(el("td", e.method));
      tr.appendChild(el("td", fmt(e.ate)));
      tr.appendChild(el("td", "[" + fmt(e.ci && e.ci[0]) + ", " + fmt(e.ci && e.ci[1]) + "]"));
      tb.appendChild(tr);
    }
    const rl = clear($("refuters"));
    for (const r of est.refuters || []) rl.appendChild(el("li", r.refuter + ": " + (r.passed ? "passed" : "failed"), r.passed ? "holds" : "fails"));
    const plots = clear($("do-plots"));
    for (const [label, xs] of Object.entries(est.interventional_samples || {})) {
      const div = el("div"); div.appendChild(el("span", label + " "));
      const sorted = xs.slice().sort((a, b) => a - b);
      const lo = sorted[Math.floor(sorted.length * 0.005)], hi = sorted[Math.floor(sorted.length * 0.995)];
      const counts = new Array(24).fill(0);
      for (const x of xs) if (x >= lo && x <= hi) counts[Math.min(23, Math.floor(24 * (x - lo) / ((hi - lo) || 1)))]++;
      div.appendChild(sparkline({ counts })); plots.appendChild(div);
    }
  }
  function drawJob(j) {
    const busy = j.status === "running";
    $("progress").hidden = !busy && j.status !== "done";
    $("progress").max = j.steps_total; $("progress").value = j.steps_done;
    $("job-label").textContent = j.label ? j.label + ": " + j.status + (j.seconds !== null ? " (" + j.seconds + " s)" : "") : "";
    $("job-lines").textContent = j.lines.join("\n") + (j.error ? "\n" + j.error : "");
    $("estimate-btn").disabled = busy;
    document.body.dataset.job = j.status;
  }

  // ---------------------------------------------------------------- actions
  async function edit(a, b, st, action) {
    showError("");
    try {
      const v = await post("api/edit", { a: a, b: b, state: st, action: action, tab: TAB, base_version: version });
      $("note").textContent = v.note || "";
      picked = [];
      drawGraphView(v);
    } catch (e) { showError(e.message); }
  }
  async function refresh(full) {
    try {
      if (full) {
        state = await api("api/state");
        version = state.version;
        drawHeader();
        drawGraphs(true);
        drawIdent(state.identification);
        drawDisagreements(state.disagreements);
        drawDecisions(state.decisions);
        drawData(state.summary);
        drawResults(state.results, state.results_version);
        drawJob(state.job);
        loadLazy();
        return;
      }
      const g = await api("api/graph");
      if (g.version !== version) {
        if (g.meta.has_llm !== state.meta.has_llm) return refresh(true);
        $("note").textContent = "another tab changed the session: now version " + g.version;
        drawGraphView(g);
      }
      drawJob(g.job);
      const sig = g.job.status + g.job.seconds;
      if (g.job.status !== "running" && sig !== lastJob) drawResults(g.results, g.results_version);
      lastJob = sig;
    } catch (e) { showError(e.message); }
  }
  function drawHeader() {
    const m = state.meta;
    $("query").textContent = m.title + " — effect of " + m.treatment + " on " + m.outcome + " (" + m.source + ")";
    $("q-treatment").textContent = m.treatment;
    $("q-outcome").textContent = m.outcome;
    $("version").textContent = "session version " + version;
    if (m.note) $("note").textContent = m.note;
    $("ask-llm").hidden = m.has_llm;
    $("llm-caption").textContent = m.has_llm ? (state.llm_plan ? "(" + state.llm_plan + ")" : "") : "(not asked yet)";
    $("data-caption").textContent = "(" + state.data_method + ")";
  }
  async function startJob(path) {
    showError("");
    try { drawJob(await post(path)); } catch (e) { showError(e.message); }
  }
  async function upload() {
    const f = $("upload-file").files[0];
    const box = clear($("upload-msg"));
    if (!f) { box.appendChild(el("div", "choose a CSV file first", "error")); return; }
    try {
      const r = await api("api/upload", { method: "POST", body: f,
        headers: { "Content-Type": "text/csv", "X-Filename": encodeURIComponent(f.name) } });
      box.appendChild(el("div", r.name + ": " + r.rows + " rows, columns " + r.columns.join(", ") +
        (r.preparation.length ? "; " + r.preparation.join("; ") : "") +
        ". Start `rung studio FILE --treatment X --outcome Y` to analyse it.", "upload-ok"));
    } catch (e) { box.appendChild(el("div", e.message, "error upload-error")); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("undo").addEventListener("click", async () => {
      showError("");
      try { const v = await post("api/undo", { tab: TAB, base_version: version }); $("note").textContent = v.note || ""; drawGraphView(v); }
      catch (e) { showError(e.message); }
    });
    $("estimate-btn").addEventListener("click", () => startJob("api/estimate"));
    $("ask-llm").addEventListener("click", () => startJob("api/ask-llm"));
    $("upload-btn").addEventListener("click", upload);
    refresh(true).then(() => { document.body.dataset.ready = "1"; });
    setInterval(() => refresh(false), 1000);
  });
})();
