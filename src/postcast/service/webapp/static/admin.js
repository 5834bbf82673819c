// The admin page: every change goes through /api/admin/ with the token as a bearer token.
// The token stays in this tab (sessionStorage). Text is set with textContent, never as HTML.
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  function token() { return sessionStorage.getItem("postcast-admin-token") || ""; }

  async function api(method, path, body) {
    var options = { method: method, headers: { Authorization: "Bearer " + token() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var response = await fetch("/api/admin/" + path, options);
    if (response.status === 401) { $("login-state").textContent = "token refused"; throw new Error("401"); }
    if (response.status === 204) return null;
    var data = await response.json();
    if (!response.ok) throw new Error(typeof data.detail === "string" ? data.detail : response.statusText);
    return data;
  }

  function cell(row, text) { var td = document.createElement("td"); td.textContent = text; row.appendChild(td); return td; }
  function button(parent, label, action) {
    var b = document.createElement("button"); b.type = "button"; b.textContent = label;
    b.addEventListener("click", action); parent.appendChild(b); return b;
  }

  async function loadEpisodes() {
    var query = new URLSearchParams();
    if ($("status").value) query.set("status", $("status").value);
    if ($("title-filter").value) query.set("q", $("title-filter").value);
    var data = await api("GET", "episodes?" + query.toString());
    var body = $("episodes"); body.replaceChildren();
    data.episodes.forEach(function (episode) {
      var row = document.createElement("tr"); row.dataset.id = episode.id;
      cell(row, episode.title); cell(row, episode.status);
      cell(row, episode.excluded_reason || episode.last_error || "");
      var actions = cell(row, "");
      var action = episode.status === "excluded" ? "restore" : "exclude";
      button(actions, action, async function () {
        var reason = window.prompt("Reason to " + action + " “" + episode.title + "”");
        if (!reason) return;
        await api("POST", "episodes/" + episode.id + "/" + action, { reason: reason });
        await loadEpisodes();
      });
      button(actions, "re-render", async function () {
        await api("POST", "episodes/" + episode.id + "/rerender"); this.textContent = "at the next pass";
      });
      body.appendChild(row);
    });
  }

  async function loadUrls() {
    var list = $("urls"); list.replaceChildren();
    (await api("GET", "urls")).forEach(function (request) {
      var item = document.createElement("li");
      item.textContent = request.url + " (" + request.state + (request.error ? ": " + request.error : "") + ")";
      list.appendChild(item);
    });
  }

  async function loadSources() {
    var body = $("sources"); body.replaceChildren();
    (await api("GET", "sources")).forEach(function (source) {
      var row = document.createElement("tr");
      cell(row, source.name); cell(row, source.last_success_at || "never");
      cell(row, source.last_error ? source.last_error + " (" + source.last_error_at + ")" : "");
      cell(row, JSON.stringify(source.state));
      var actions = cell(row, source.fetch_requested_at ? "fetch asked " + source.fetch_requested_at : "");
      if (!source.fetch_requested_at) {
        button(actions, "fetch", async function () {
          await api("POST", "sources/" + encodeURIComponent(source.name) + "/fetch"); await loadSources();
        });
      }
      body.appendChild(row);
    });
  }

  async function loadLexicon() {
    var body = $("lexicon"); body.replaceChildren();
    (await api("GET", "lexicon")).forEach(function (entry) {
      var row = document.createElement("tr");
      cell(row, entry.word); cell(row, entry.ipa); cell(row, entry.respelling);
      button(cell(row, ""), "remove", async function () {
        await api("DELETE", "lexicon/" + encodeURIComponent(entry.word)); await loadLexicon();
      });
      body.appendChild(row);
    });
  }

  async function loadAll() {
    try { await Promise.all([loadEpisodes(), loadUrls(), loadLexicon(), loadSources()]); $("login-state").textContent = "signed in"; }
    catch (error) { if (error.message !== "401") $("login-state").textContent = error.message; }
  }

  $("login").addEventListener("submit", function (event) {
    event.preventDefault(); sessionStorage.setItem("postcast-admin-token", $("token").value); $("token").value = ""; loadAll();
  });
  $("filter").addEventListener("submit", function (event) { event.preventDefault(); loadEpisodes(); });
  $("add-url").addEventListener("submit", async function (event) {
    event.preventDefault();
    try { await api("POST", "urls", { url: $("url").value }); $("add-state").textContent = "queued"; $("url").value = ""; await loadUrls(); }
    catch (error) { $("add-state").textContent = error.message; }
  });
  $("lexicon-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    var body = { ipa: $("ipa").value, respelling: $("respelling").value || null };
    try { await api("PUT", "lexicon/" + encodeURIComponent($("word").value), body); $("lexicon-state").textContent = "saved"; await loadLexicon(); }
    catch (error) { $("lexicon-state").textContent = error.message; }
  });
  if (token()) loadAll();
})();
