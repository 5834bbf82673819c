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

  // An episode with audio whose render is due again (an edit, a re-render asked for, a
  // pronunciation it says) keeps its audio until the next pass renders it anew.
  function stateOf(episode) {
    var rendered = ["rendered", "published", "failed"].indexOf(episode.status) >= 0;
    return episode.status + (rendered && episode.render_due ? " · re-render queued" : "");
  }

  async function loadEpisodes() {
    var query = new URLSearchParams();
    if ($("status").value) query.set("status", $("status").value);
    if ($("title-filter").value) query.set("q", $("title-filter").value);
    var data = await api("GET", "episodes?" + query.toString());
    var body = $("episodes"); body.replaceChildren();
    data.episodes.forEach(function (episode) {
      var row = document.createElement("tr"); row.dataset.id = episode.id;
      cell(row, episode.title); cell(row, stateOf(episode));
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
        await api("POST", "episodes/" + episode.id + "/rerender"); await loadEpisodes();
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

  // Renders' progress: Server-Sent Events read with fetch, since EventSource cannot send
  // the Authorization header. One <progress> bar per render, updated in place.
  var bars = new Map();
  var following = false;
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function showProgress(p) {
    var bar = bars.get(p.guid);
    if (!bar) {
      var item = document.createElement("li"); item.dataset.guid = p.guid;
      bar = { title: document.createElement("span"), meter: document.createElement("progress"), stage: document.createElement("span") };
      bar.title.className = "title"; bar.stage.className = "stage";
      item.append(bar.title, bar.meter, bar.stage); $("progress").prepend(item); bars.set(p.guid, bar);
    }
    bar.title.textContent = p.title;
    if (p.total) { bar.meter.max = p.total; bar.meter.value = Math.min(p.done, p.total); }
    else if (p.state === "rendering") { bar.meter.removeAttribute("value"); }  // indeterminate
    if (p.state !== "rendering") { bar.meter.max = 1; bar.meter.value = 1; }
    var amount = p.total ? " " + Math.round(p.done) + " / " + Math.round(p.total) : "";
    bar.stage.textContent = p.state === "rendering" ? p.stage + amount : p.state;
    bar.meter.parentElement.dataset.state = p.state;
  }

  function readEvent(text) {
    var data = text.split("\n").filter(function (line) { return line.indexOf("data:") === 0; })
      .map(function (line) { return line.slice(5).trim(); }).join("\n");
    if (data) showProgress(JSON.parse(data));  // a comment (keep-alive) has no data
  }

  async function followProgress() {
    if (following) return;
    following = true;
    while (token()) {
      try {
        var response = await fetch("/api/admin/progress", { headers: { Authorization: "Bearer " + token(), Accept: "text/event-stream" } });
        if (response.status === 401) break;
        if (!response.ok) throw new Error(response.statusText);
        $("progress-state").textContent = "Following renders.";
        var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
        for (;;) {
          var chunk = await reader.read();
          if (chunk.done) break;
          buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, "\n");
          var events = buffer.split("\n\n"); buffer = events.pop();
          events.forEach(readEvent);
        }
      } catch (error) { $("progress-state").textContent = "Progress unavailable: " + error.message; await sleep(5000); }
    }
    following = false;
  }

  async function loadAll() {
    try { await Promise.all([loadEpisodes(), loadUrls(), loadLexicon(), loadSources()]); $("login-state").textContent = "signed in"; followProgress(); }
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
