// The cleanclaim review page. Note text only ever reaches the DOM through textContent.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const input = $("note-input");
  const reviewBtn = $("review-btn");
  const FLAGS = ["negated", "historical", "hypothetical", "family", "uncertain"];
  let current = null; // {text, review}
  let selectedGap = -1;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function announce(msg) { $("status").textContent = msg; }

  function showError(msg) {
    const box = $("error");
    box.textContent = msg;
    box.hidden = !msg;
  }

  function apiKey() { return sessionStorage.getItem("cleanclaim-api-key") || ""; }

  async function review() {
    const text = input.value;
    if (!text.trim()) { showError("Paste a note or open a .txt file first."); input.focus(); return; }
    showError("");
    reviewBtn.disabled = true;
    announce("Reviewing…");
    const headers = { "Content-Type": "application/json" };
    const key = $("api-key").value || apiKey();
    if (key) headers["X-API-Key"] = key;
    try {
      const resp = await fetch("/v1/review", { method: "POST", headers, body: JSON.stringify({ text }) });
      const body = await resp.json().catch(() => ({}));
      if (resp.status === 401) {
        $("key-row").hidden = false;
        $("api-key").focus();
        showError("This server needs an API key: enter it and press Review again.");
        return;
      }
      if (!resp.ok) {
        const retry = resp.headers.get("Retry-After");
        showError(`Review failed (${resp.status}): ${body.detail || resp.statusText}` +
          (retry ? ` Try again in ${retry} s.` : ""));
        return;
      }
      if (key) sessionStorage.setItem("cleanclaim-api-key", key);
      current = { text, review: body };
      render();
      $("decision").focus();
      announce(`Reviewed: ${body.claim_ready ? "claim ready" : "not ready"}, ${body.gaps.length} gaps.`);
    } catch (err) {
      showError("Could not reach the review service: " + err.message);
    } finally {
      reviewBtn.disabled = false;
    }
  }

  function flagsOf(ent) { return FLAGS.filter((f) => ent[f]); }

  function renderDecision(r) {
    const box = $("decision");
    box.replaceChildren();
    let cls, head;
    if (r.error) { cls = "failed"; head = "Not reviewed: " + r.error; }
    else if (r.claim_ready) { cls = "ready"; head = "Claim ready"; }
    else { cls = "not-ready"; head = "Not ready"; }
    box.className = "decision " + cls;
    const prob = r.probability == null ? "n/a" : Number(r.probability).toFixed(2);
    box.append(el("span", { id: "decision-head", text: head }),
      el("span", { class: "meta", id: "probability",
        text: `probability ${prob} · service ${r.service_code || "none"} · injections ${r.injections ?? "–"}` +
          (r.decision ? ` · decided by ${r.decision}` : "") }));
    if (r.status || r.note_type) {
      const evidence = r.note_type_evidence && r.note_type_evidence.length
        ? ` (“${r.note_type_evidence[0].text}”)` : "";
      box.append(el("span", { class: "meta", id: "note-status",
        text: `status ${(r.status || "–").replace(/_/g, " ")} · note ${(r.note_type || "–").replace(/_/g, " ")}${evidence}` }));
    }
  }

  // Split the note at every mention and evidence boundary; each piece knows its mention and gaps.
  function renderNote(text, r) {
    const view = $("note-view");
    view.replaceChildren();
    const ents = [];
    let end = -1;
    for (const e of [...r.entities].sort((a, b) => a.start - b.start || b.end - a.end)) {
      if (e.start >= end) { ents.push(e); end = e.end; } // overlapping mentions: keep the first
    }
    const points = new Set([0, text.length]);
    for (const e of ents) { points.add(e.start); points.add(e.end); }
    r.gaps.forEach((g) => g.evidence.forEach((ev) => { points.add(ev.start); points.add(ev.end); }));
    const cuts = [...points].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
    let ei = 0;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i], b = cuts[i + 1];
      const piece = text.slice(a, b);
      while (ei < ents.length && ents[ei].end <= a) ei++;
      const ent = ei < ents.length && ents[ei].start <= a && b <= ents[ei].end ? ents[ei] : null;
      const gaps = [];
      r.gaps.forEach((g, gi) => { if (g.evidence.some((ev) => ev.start <= a && b <= ev.end)) gaps.push(gi); });
      if (!ent && !gaps.length) { view.append(document.createTextNode(piece)); continue; }
      const node = el(ent ? "mark" : "span", { text: piece });
      if (ent) {
        const flags = flagsOf(ent);
        node.dataset.label = ent.label;
        node.dataset.start = ent.start;
        node.dataset.end = ent.end;
        if (flags.length) { node.classList.add("flagged"); node.dataset.flags = flags.join(" "); }
        node.title = ent.label + (flags.length ? ` (${flags.join(", ")})` : "") + (ent.rule ? ` · ${ent.rule}` : "");
      }
      if (gaps.length) node.dataset.gaps = " " + gaps.join(" ") + " ";
      view.append(node);
    }
  }

  function copy(text, what) {
    const done = () => announce(`${what} copied.`);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
    } else {
      fallbackCopy(text, done);
    }
  }

  function fallbackCopy(text, done) {
    const ta = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    try { document.execCommand("copy"); done(); } finally { ta.remove(); }
  }

  function selectGap(i) {
    selectedGap = selectedGap === i ? -1 : i;
    document.querySelectorAll("#gaps li").forEach((li, j) => {
      li.classList.toggle("selected", j === selectedGap);
      const btn = li.querySelector(".gap-select");
      if (btn) btn.setAttribute("aria-pressed", String(j === selectedGap));
    });
    let first = null;
    document.querySelectorAll("#note-view [data-gaps]").forEach((node) => {
      const on = selectedGap >= 0 && node.dataset.gaps.includes(` ${selectedGap} `);
      node.classList.toggle("evidence", on);
      if (on && !first) first = node;
    });
    if (first) first.scrollIntoView({ block: "nearest" });
    if (selectedGap >= 0) {
      const g = current.review.gaps[selectedGap];
      announce(`${g.code}: ${g.evidence.length} evidence span${g.evidence.length === 1 ? "" : "s"} highlighted.`);
    }
  }

  function renderGaps(r) {
    const list = $("gaps");
    list.replaceChildren();
    $("gap-count").textContent = `(${r.gaps.length})`;
    $("copy-all").hidden = !r.gaps.length;
    if (!r.gaps.length) {
      list.append(el("li", { class: "none", text: r.error ? "No review." : "No gaps: documentation supports the claim." }));
      return;
    }
    r.gaps.forEach((g, i) => {
      const evidence = g.evidence.map((e) => `“${e.text}”`).join(", ") || "no specific text (something is missing)";
      const btn = el("button", { type: "button", class: "gap-select", "aria-pressed": "false" },
        el("span", { class: "code", text: g.code }),
        el("span", { class: "sev " + g.severity, text: g.severity }),
        el("span", { class: "gap-msg", text: g.message }),
        el("span", { class: "gap-ev", text: "Evidence: " + evidence }));
      btn.addEventListener("click", () => selectGap(i));
      const copyBtn = el("button", { type: "button", class: "copy-query", text: "Copy" });
      copyBtn.setAttribute("aria-label", `Copy the provider query for ${g.code}`);
      copyBtn.addEventListener("click", () => copy(g.query, "Query"));
      const li = el("li", { class: g.severity, "data-code": g.code }, btn,
        el("div", { class: "query" }, el("p", {}, el("strong", { text: "Provider query: " }), g.query), copyBtn));
      list.append(li);
    });
  }

  function fillTable(id, rows) {
    const body = document.querySelector(`#${id} tbody`);
    body.replaceChildren();
    if (!rows.length) {
      const cols = document.querySelectorAll(`#${id} thead th`).length;
      body.append(el("tr", {}, el("td", { colspan: String(cols), class: "muted", text: "none" })));
      return;
    }
    for (const cells of rows) body.append(el("tr", {}, ...cells.map((c) => el("td", { text: c ?? "–" }))));
  }

  function render() {
    const { text, review: r } = current;
    selectedGap = -1;
    $("result").hidden = false;
    renderDecision(r);
    renderNote(text, r);
    renderGaps(r);
    fillTable("administrations", r.administrations.map((a) => [
      a.drug || "(unnamed)", a.dose, a.route, a.site,
      a.given ? "yes" : `no${a.not_given_reason ? ` (${a.not_given_reason})` : ""}`,
      a.service_code, a.hcpcs, a.units == null ? null : String(a.units)]));
    fillTable("claim-lines", (r.claim_lines || []).map((c) => [
      c.code, (c.modifiers || []).join(", ") || null, String(c.units), c.description]));
    $("claim-day").textContent = r.date_of_service ? `(date of service ${r.date_of_service})` : "";
    fillTable("diagnoses", r.diagnoses.map((d) => [d.text, d.icd10, d.supports ? "yes" : "no"]));
  }

  function updateCount() {
    const n = input.value.length;
    $("note-count").textContent = n ? `${n.toLocaleString()} characters` : "";
  }

  reviewBtn.addEventListener("click", review);
  $("clear-btn").addEventListener("click", () => { input.value = ""; updateCount(); input.focus(); });
  $("copy-all").addEventListener("click", () => {
    if (current) copy(current.review.gaps.map((g) => `${g.code}: ${g.query}`).join("\n"), "All queries");
  });
  input.addEventListener("input", updateCount);
  $("open-btn").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => { input.value = reader.result; updateCount(); input.focus(); announce(`Opened ${file.name}.`); };
    reader.onerror = () => showError("Could not read that file.");
    reader.readAsText(file);
    ev.target.value = "";
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); review(); }
  });
  if (apiKey()) $("api-key").value = apiKey();
})();
