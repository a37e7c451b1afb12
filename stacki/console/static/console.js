// The console's script: no library. Everything that changes state is a
// call to the /stack API (the same as wsclient's), with the CSRF token.
"use strict";

const HISTORY = "stacki.history";

function cookie(name) {
  const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

// A word as the service's shell-like splitting reads it back.
function quote(word) {
  if (word !== "" && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return "'" + word.replace(/'/g, "'\"'\"'") + "'";
}

async function post(path, body, type) {
  const headers = { "X-CSRFToken": cookie("csrftoken") };
  if (type) headers["Content-Type"] = type;
  const response = await fetch(path, { method: "POST", headers, body, credentials: "same-origin" });
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* a refusal's plain text */ }
  return { status: response.status, text, json };
}

function runCommand(cmd) {
  return post("/stack", JSON.stringify({ cmd }), "application/json");
}

// What the caller reads when a call fails: the refusal or "error - ...".
function errorText(answer) {
  if (answer.json && typeof answer.json === "object" && !Array.isArray(answer.json)) {
    if ("API Error" in answer.json) return String(answer.json["API Error"]).trim();
    if (answer.json.logged_in === false) return "Not logged in";
  }
  return answer.text.trim();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

// A table of rows (objects) that sorts by a column and filters on text.
function tableOf(rows) {
  const header = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!header.includes(key)) header.push(key);
  const table = el("table", { class: "sortable" });
  table.append(el("thead", {}, el("tr", {}, ...header.map((h) => el("th", {}, h)))));
  const body = el("tbody");
  for (const row of rows) {
    body.append(el("tr", {}, ...header.map((h) => {
      const v = row[h];
      if (v === null || v === undefined) return el("td", {}, el("span", { class: "null" }));
      return el("td", {}, typeof v === "object" ? JSON.stringify(v) : String(v));
    })));
  }
  table.append(body);
  return table;
}

function cellValue(row, index) {
  return row.cells[index] ? row.cells[index].textContent : "";
}

function compare(a, b) {
  const x = Number(a), y = Number(b);
  if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) return x - y;
  return a.localeCompare(b, undefined, { numeric: true });
}

// Click a header to sort (again to reverse); type in the box to filter rows.
function enhance(table) {
  if (table.dataset.enhanced) return;
  table.dataset.enhanced = "1";
  const body = table.tBodies[0];
  // A table paged by the server is filtered by the server (data-nofilter).
  if (!("nofilter" in table.dataset)) {
    const filter = el("input", { type: "search", class: "table-filter", placeholder: "filter rows" });
    filter.addEventListener("input", () => {
      const text = filter.value.toLowerCase();
      for (const row of body.rows) row.hidden = text !== "" && !row.textContent.toLowerCase().includes(text);
    });
    table.before(filter);
  }
  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    th.addEventListener("click", () => {
      const descending = th.dataset.sort === "asc";
      for (const other of th.parentNode.cells) delete other.dataset.sort;
      th.dataset.sort = descending ? "desc" : "asc";
      const rows = Array.from(body.rows);
      rows.sort((a, b) => compare(cellValue(a, index), cellValue(b, index)) * (descending ? -1 : 1));
      body.append(...rows);
    });
  });
}

// A report is a table without a header: its JSON keys are col-0, col-1, ...
function isReport(rows) {
  return rows.length > 0 && rows.every((row) => Object.keys(row).every((k) => /^col-\d+$/.test(k)));
}

// Its lines as the command line prints them: the owner column (col-0) only
// when the rows have different owners.
function reportText(rows) {
  const owners = new Set(rows.map((row) => row["col-0"]));
  return rows.map((row) => Object.keys(row)
    .filter((k) => k !== "col-0" || owners.size > 1)
    .map((k) => row[k] === null || row[k] === undefined ? "" : String(row[k]))
    .join(" ")).join("\n") + "\n";
}

function showAnswer(target, answer) {
  target.replaceChildren();
  const status = el("p", { class: "status" }, `HTTP ${answer.status}`);
  target.append(status);
  if (answer.status !== 200) {
    target.append(el("pre", { class: "error" }, errorText(answer)));
    return;
  }
  const body = answer.json;
  if (Array.isArray(body) && isReport(body)) {
    target.append(el("pre", { class: "output" }, reportText(body)));
  } else if (Array.isArray(body)) {
    const table = tableOf(body);
    target.append(el("p", { class: "count" }, `${body.length} rows`), table);
    enhance(table);  // in the page now: its filter box goes before it
  }
  else if (body && typeof body === "object" && "Output" in body) target.append(el("pre", { class: "output" }, body.Output));
  else if (body && typeof body === "object" && Object.keys(body).length === 0) target.append(el("p", { class: "empty" }, "done (no output)"));
  else target.append(el("pre", { class: "output" }, JSON.stringify(body, null, 2)));
}

// --- login and logout ---------------------------------------------------
function setupLogin() {
  const form = document.getElementById("login");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await post("/stack/login", new URLSearchParams(new FormData(form)));
    if (answer.status === 200) {
      sessionStorage.removeItem(HISTORY);
      window.location.assign(form.dataset.next || "/");
      return;
    }
    const message = answer.status === 401 ? "Wrong user name or key" : errorText(answer);
    document.getElementById("login-error").textContent = message;
  });
}

function setupLogout() {
  const button = document.getElementById("logout");
  if (!button) return;
  button.addEventListener("click", async () => {
    await post("/stack/logout", "");
    sessionStorage.removeItem(HISTORY);
    window.location.assign("/");
  });
}

// --- forms that run one command (host edits) ----------------------------
function setupCommandForms() {
  for (const form of document.querySelectorAll("form.command")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const words = [form.dataset.cmd];
      for (const input of form.querySelectorAll("input[name], select[name]")) {
        const value = input.type === "checkbox" ? (input.checked ? "true" : "false") : input.value;
        words.push(input.name + "=" + quote(value));
      }
      const answer = await runCommand(words.join(" "));
      if (answer.status === 200) window.location.reload();
      else form.querySelector("output").textContent = errorText(answer);
    });
  }
}

// --- the command runner -------------------------------------------------
let catalogue = null;

async function loadCatalogue() {
  const response = await fetch("/stack/commands", { credentials: "same-origin" });
  catalogue = response.ok ? await response.json() : [];
}

// Completions of the last word: command words, then the command's parameters.
function suggestions(text) {
  if (!catalogue) return [];
  const words = text.split(/\s+/).filter((w) => w !== "");
  const partial = /\s$/.test(text) || text === "" ? "" : words.pop() || "";
  const plain = words.filter((w) => !w.includes("="));
  let best = null;
  for (const entry of catalogue) {
    const path = entry.command.split(" ");
    if (path.length <= plain.length && path.every((w, i) => plain[i] === w)
        && (!best || path.length > best.command.split(" ").length)) best = entry;
  }
  const out = new Set();
  for (const entry of catalogue) {
    const path = entry.command.split(" ");
    if (path.length > plain.length && plain.every((w, i) => path[i] === w)
        && path[plain.length].startsWith(partial)) out.add(path[plain.length]);
  }
  if (best) {
    const given = words.filter((w) => w.includes("=")).map((w) => w.split("=")[0]);
    for (const p of best.parameters) {
      // Hidden ones work but are not in Stacki's usage line: not offered either.
      if (!p.hidden && !given.includes(p.name) && (p.name + "=").startsWith(partial)) out.add(p.name + "=");
    }
  }
  return Array.from(out).sort().slice(0, 40);
}

function complete(input, word) {
  const text = input.value;
  const cut = /\s$/.test(text) ? text.length : text.lastIndexOf(" ") + 1;
  input.value = text.slice(0, cut) + word + (word.endsWith("=") ? "" : " ");
  input.focus();
  input.dispatchEvent(new Event("input"));
}

function history() {
  try { return JSON.parse(sessionStorage.getItem(HISTORY) || "[]"); } catch (e) { return []; }
}

function showHistory(list, input, run) {
  list.replaceChildren(...history().map((entry) => {
    const link = el("a", { href: "#", class: entry.status === 200 ? "ok" : "failed" }, entry.cmd);
    link.addEventListener("click", (event) => { event.preventDefault(); input.value = entry.cmd; run(); });
    return el("li", {}, link, ` (${entry.status})`);
  }));
}

function setupRunner() {
  const form = document.getElementById("runner");
  if (!form) return;
  const input = document.getElementById("cmd");
  const list = document.getElementById("suggestions");
  const result = document.getElementById("result");
  const historyList = document.getElementById("history");
  const run = async () => {
    const cmd = input.value.trim();
    if (!cmd) return;
    list.replaceChildren();
    result.replaceChildren(el("p", { class: "status" }, "running…"));
    const answer = await runCommand(cmd);
    showAnswer(result, answer);
    const entries = history().filter((e) => e.cmd !== cmd);
    entries.unshift({ cmd, status: answer.status });
    sessionStorage.setItem(HISTORY, JSON.stringify(entries.slice(0, 100)));
    showHistory(historyList, input, run);
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  input.addEventListener("input", () => {
    list.replaceChildren(...suggestions(input.value).map((word) => {
      const item = el("li", {}, word);
      item.addEventListener("click", () => complete(input, word));
      return item;
    }));
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Tab" && list.firstChild) {
      event.preventDefault();
      complete(input, list.firstChild.textContent);
    }
  });
  const copied = document.getElementById("copied");
  const copy = (text) => {
    copied.textContent = text;
    if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
  };
  const user = document.body.dataset.user;
  document.getElementById("copy-wsclient").addEventListener("click", () => {
    copy("wsclient " + input.value.trim());
  });
  document.getElementById("copy-curl").addEventListener("click", () => {
    const body = JSON.stringify({ cmd: input.value.trim() });
    copy(`curl -s -u ${quote(user)}:"$KEY" -H 'Content-Type: application/json' -d ${quote(body)} ${window.location.origin}/stack`);
  });
  // Words typed before the catalogue came are completed once it is here.
  loadCatalogue().then(() => { if (document.activeElement === input) input.dispatchEvent(new Event("input")); });
  showHistory(historyList, input, run);
  // A command from the link (?cmd=) is only filled in, never run: a link
  // someone sent must not make an admin's browser change the cluster.
  input.focus();
}

// --- spreadsheets: upload, preview (nothing written), then load ----------
function setupSpreadsheets() {
  const form = document.getElementById("hostfile");
  if (!form) return;
  const preview = document.getElementById("preview");
  const load = document.getElementById("load");
  const loaded = document.getElementById("loaded");
  let path = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    load.hidden = true;
    loaded.replaceChildren();
    const upload = await post("/stack/upload", new FormData(form));
    if (upload.status !== 200) { showAnswer(preview, upload); return; }
    path = upload.json.dir;
    const answer = await runCommand(`load hostfile file=${quote(path)} preview=true`);
    showAnswer(preview, answer);
    const rows = Array.isArray(answer.json) ? answer.json : [];
    load.hidden = !(answer.status === 200 && rows.length > 0 && rows.every((r) => !r.error));
  });
  load.addEventListener("click", async () => {
    load.hidden = true;
    showAnswer(loaded, await runCommand(`load hostfile file=${quote(path)}`));
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table.sortable")) enhance(table);
  setupLogin();
  setupLogout();
  setupCommandForms();
  setupRunner();
  setupSpreadsheets();
});
