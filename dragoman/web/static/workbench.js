// dragoman workbench: shared behaviour (corrections, finding records in the article text).
// Text from articles is only ever set with textContent, never innerHTML.
"use strict";

// Writes need an API token (`dragoman token create --name NAME`). It is kept in this browser's
// localStorage and sent as an Authorization header, never as a cookie, so another site cannot
// make the browser post a correction in the analyst's name.
const TOKEN_KEY = "dragoman_token";

function apiToken() { try { return localStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; } }

function setupTokenBox() {
  const box = document.getElementById("api-token");
  if (!box) return;
  box.value = apiToken();
  box.addEventListener("change", () => {
    try { localStorage.setItem(TOKEN_KEY, box.value.trim()); } catch (e) { /* private mode: per page */ }
  });
}

async function postCorrection(form) {
  const out = form.querySelector("output.result");
  const raw = form.elements.value.value.trim();
  let value = raw;
  // a JSON object (e.g. {"name": ..., "country": ...}) corrects a whole actor or place reference
  if (raw.startsWith("{")) { try { value = JSON.parse(raw); } catch (e) { /* keep the text */ } }
  const reason = form.elements.reason.value.trim();
  const wrong = form.elements.delete && form.elements.delete.checked;
  // either a field gets a new value, or the whole record is marked wrong
  const body = wrong ? {kind: form.dataset.kind, key: form.dataset.key, delete: true, reason}
                     : {kind: form.dataset.kind, key: form.dataset.key, field: form.elements.field.value, value, reason};
  if (!wrong && !raw) { out.className = "result failed"; out.textContent = "give a new value, or tick 'wrong record'"; return false; }
  out.className = "result"; out.textContent = "saving…";
  try {
    const headers = {"Content-Type": "application/json", "Accept": "application/json"};
    const token = (document.getElementById("api-token") || {}).value || apiToken();
    if (token) headers["Authorization"] = `Bearer ${token.trim()}`;
    // the page's CSRF token (dragoman/web/csrf.py): the server matches it against its cookie
    if (form.dataset.csrf) headers["X-CSRF-Token"] = form.dataset.csrf;
    const response = await fetch(form.dataset.endpoint, {method: "POST", headers, body: JSON.stringify(body),
                                                         credentials: "same-origin"});
    let message = "";
    try {
      const data = await response.json();
      message = [data.error, typeof data.detail === "string" ? data.detail : ""].filter(Boolean).join(": ");
    } catch (e) { /* not JSON */ }
    if (response.status === 401) message += " (enter an API token at the top of the page)";
    if (!response.ok) { out.className = "result failed"; out.textContent = `not saved (${response.status}) ${message}`; return false; }
    out.className = "result ok"; out.textContent = "saved: reloading";
    setTimeout(() => window.location.reload(), 400);
    return true;
  } catch (err) {
    out.className = "result failed"; out.textContent = `not saved: ${err}`;
    return false;
  }
}

function findInText(ref) {
  const text = document.getElementById("article-text");
  if (!text) return;
  text.querySelectorAll(".blk.found").forEach(el => el.classList.remove("found"));
  const attr = ref.startsWith("c") ? "claims" : "events";
  const hits = Array.from(text.querySelectorAll(".blk")).filter(el => (el.dataset[attr] || "").split(" ").includes(ref));
  hits.forEach(el => el.classList.add("found"));
  if (hits.length) hits[0].scrollIntoView({block: "center", behavior: "smooth"});
}

document.addEventListener("DOMContentLoaded", () => {
  setupTokenBox();
  document.querySelectorAll("form.correction").forEach(form => {
    form.addEventListener("submit", ev => { ev.preventDefault(); postCorrection(form); });
  });
  document.querySelectorAll("a.find").forEach(a => {
    a.addEventListener("click", () => findInText(a.dataset.ref));
  });
  // a click on highlighted evidence brings its record into view
  document.querySelectorAll("#article-text .blk").forEach(el => {
    el.addEventListener("click", () => {
      const ref = (el.dataset.events || el.dataset.claims || "").split(" ")[0];
      const card = ref && document.getElementById(ref);
      if (card) card.scrollIntoView({block: "nearest", behavior: "smooth"});
    });
  });
});
