// pbxsim call board: one snapshot, then server-sent events from
// /sim/stream. Everything is built with textContent (names, paths and
// bodies come from outside and are never parsed as HTML).
(function () {
  "use strict";
  var FEED_MAX = 300;
  var state = { calls: new Map(), tenants: [], directory: [], tenant: "" };
  // Test and measurement hook: when each event reached the page.
  var hook = window.pbxsimBoard = { lastEvent: 0, appliedAt: {}, snapshots: 0, lastJournal: 0 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clockOf(t) {
    if (!t) return "";
    var d = new Date(t);
    if (isNaN(d)) return "";
    return d.toISOString().substring(11, 23);
  }
  function partyName(ep) {
    if (!ep) return "?";
    return ep.name || ep.number || ep.userId || "?";
  }
  function findLeg(ref) {
    if (!ref) return null;
    var c = state.calls.get(ref.callId);
    if (!c) return null;
    for (var i = 0; i < c.legs.length; i++) if (c.legs[i].id === ref.legId) return { call: c, leg: c.legs[i] };
    return null;
  }
  function live(l) { return l.state !== "gone" && l.state !== "disconnected"; }

  // --- tenants -----------------------------------------------------------
  function renderDirectory() {
    var sel = document.getElementById("tenant");
    while (sel.options.length > 1) sel.remove(1);
    state.directory.forEach(function (t) {
      var o = el("option", "", t.name ? t.id + " · " + t.name : t.id);
      o.value = t.id;
      sel.appendChild(o);
    });
    sel.value = state.tenant;
    var box = document.getElementById("tenants");
    box.replaceChildren();
    state.tenants.forEach(function (t) {
      var c = el("div", "card tenant");
      c.dataset.tenant = t.id;
      var h = el("h3", "", t.name || t.id);
      h.appendChild(el("span", "kind", t.kind + " " + t.id));
      c.appendChild(h);
      t.users.forEach(function (u) {
        var row = el("div", "user");
        row.dataset.user = u.id;
        row.appendChild(el("span", "ext", u.extension || u.id));
        row.appendChild(el("span", "name", u.name));
        if (u.liveCalls > 0) row.appendChild(el("span", "busy", u.liveCalls === 1 ? "on a call" : u.liveCalls + " calls"));
        if (u.numbers && u.numbers.length) row.appendChild(el("div", "numbers", u.numbers.join(", ")));
        if (u.devices && u.devices.length) {
          row.appendChild(el("div", "devices", u.devices.map(function (d) { return (d.name || d.id) + (d.type ? " (" + d.type + ")" : ""); }).join(", ")));
        }
        c.appendChild(row);
      });
      box.appendChild(c);
    });
  }

  // --- calls -------------------------------------------------------------
  function vendorIds(v) {
    if (!v) return "";
    var parts = [];
    Object.keys(v).sort().forEach(function (d) {
      if (d === "core") return;
      var ids = v[d];
      var main = ids.telephonySessionId || ids.callId || ids["orig-callid"] || ids.sessionId;
      if (main) parts.push(d + " " + main);
    });
    return parts.join(" · ");
  }
  function renderCall(c) {
    var card = el("article", "card call" + (c.state === "ended" ? " ended" : ""));
    card.dataset.callId = c.id;
    card.dataset.state = c.state;
    var h = el("header");
    h.appendChild(el("span", "id", c.id));
    h.appendChild(el("span", "origin", c.origin + " · " + c.state));
    h.appendChild(el("span", "vendor", vendorIds(c.vendor)));
    card.appendChild(h);
    var talking = c.legs.filter(function (l) { return l.state === "answered"; });
    var talk;
    if (talking.length >= 2) {
      talk = el("p", "talk", talking.map(function (l) { return partyName(l.endpoint); }).join(" ⇄ ") + " talking");
    } else {
      var held = c.legs.filter(function (l) { return l.state === "held"; });
      talk = el("p", "talk none", held.length ? partyName(held[0].endpoint) + " holds the call" : c.state === "ended" ? "ended" : "not connected");
    }
    card.appendChild(talk);
    var table = el("table", "legs");
    var head = el("tr");
    ["#", "party", "direction", "state", "where it went"].forEach(function (t) { head.appendChild(el("th", "", t)); });
    table.appendChild(head);
    c.legs.forEach(function (l) {
      var tr = el("tr", "leg");
      tr.dataset.legId = l.id;
      tr.dataset.state = l.state;
      tr.dataset.user = l.endpoint.userId || "";
      tr.dataset.party = partyName(l.endpoint);
      tr.appendChild(el("td", "", l.index));
      var party = el("td", "party", partyName(l.endpoint));
      var sub = [];
      if (l.endpoint.number && l.endpoint.number !== partyName(l.endpoint)) sub.push(l.endpoint.number);
      if (l.endpoint.tenantId) sub.push(l.endpoint.tenantId + (l.endpoint.userId ? "/" + l.endpoint.userId : ""));
      if (l.endpoint.deviceId) sub.push("device " + l.endpoint.deviceId);
      sub.push(l.id);
      party.appendChild(el("small", "", sub.join(" · ")));
      tr.appendChild(party);
      tr.appendChild(el("td", "", l.direction));
      var st = el("td");
      st.appendChild(el("span", "state state-" + l.state, l.state === "held" ? "on hold" : l.state));
      if (l.reason) st.appendChild(el("small", "", " " + l.reason));
      if (l.muted) st.appendChild(el("span", "muted-flag", "muted"));
      tr.appendChild(st);
      var went = el("td", "went");
      if (l.peer) {
        var p = findLeg(l.peer);
        went.textContent = "→ " + l.peer.callId + "/" + l.peer.legId + (p ? " (" + partyName(p.leg.endpoint) + ")" : "");
      }
      if (l.movedFrom) {
        var m = findLeg(l.movedFrom);
        went.textContent += (went.textContent ? " " : "") + "← from " + l.movedFrom.callId + "/" + l.movedFrom.legId + (m ? " (" + partyName(m.leg.endpoint) + ")" : "");
      }
      tr.appendChild(went);
      table.appendChild(tr);
    });
    card.appendChild(table);
    return card;
  }
  function renderCalls() {
    var box = document.getElementById("calls");
    var calls = Array.from(state.calls.values());
    calls.sort(function (a, b) {
      if ((a.state === "ended") !== (b.state === "ended")) return a.state === "ended" ? 1 : -1;
      return new Date(b.created) - new Date(a.created);
    });
    box.replaceChildren();
    if (!calls.length) box.appendChild(el("p", "empty", "No calls yet."));
    calls.forEach(function (c) { box.appendChild(renderCall(c)); });
    var active = calls.filter(function (c) { return c.state !== "ended"; }).length;
    document.getElementById("call-count").textContent = active + " active, " + (calls.length - active) + " ended";
  }

  // --- feed --------------------------------------------------------------
  // feedItem adds an item in time order, newest first: journal entries
  // arrive a poll after the events their request caused.
  function feedItem(kind, time, build) {
    var li = el("li", kind);
    var at = new Date(time).getTime() || 0;
    li.dataset.t = at;
    li.appendChild(el("time", "", clockOf(time)));
    build(li);
    var list = document.getElementById("feed-items");
    var before = list.firstChild;
    while (before && Number(before.dataset.t) > at) before = before.nextSibling;
    list.insertBefore(li, before);
    while (list.childNodes.length > FEED_MAX) list.removeChild(list.lastChild);
    return li;
  }
  function addEvent(e) {
    feedItem("event", e.time, function (li) {
      li.dataset.seq = e.seq;
      li.appendChild(el("strong", "", e.callId + "/" + e.leg.id + " " + e.leg.state));
      li.appendChild(document.createTextNode(" " + partyName(e.leg.endpoint) + " · " + e.cause + (e.leg.reason ? " (" + e.leg.reason + ")" : "") + (e.callEnded ? " · call ended" : "")));
    });
  }
  function addRequest(j) {
    var li = feedItem("request" + (j.status >= 400 ? " failed" : ""), j.time, function (li) {
      li.dataset.journal = j.seq;
      li.appendChild(el("span", "status", j.status ? j.status : j.method));
      li.appendChild(document.createTextNode(" " + j.dialect + " "));
      li.appendChild(el("code", "", j.method + " " + j.path + (j.query ? "?" + j.query : "")));
      if (j.note) li.appendChild(el("span", "note", j.note));
    });
    li.title = (j.body ? "request: " + j.body + "\n" : "") + (j.response ? "response: " + j.response : "");
  }
  function notice(text) {
    feedItem("notice", new Date().toISOString(), function (li) { li.appendChild(document.createTextNode(text)); });
  }

  // --- stream ------------------------------------------------------------
  function applySnapshot(s) {
    state.tenant = s.tenant;
    state.directory = s.directory;
    state.tenants = s.tenants;
    state.calls = new Map();
    s.calls.forEach(function (c) { state.calls.set(c.id, c); });
    document.getElementById("feed-items").replaceChildren();
    var items = [];
    s.events.forEach(function (e) { items.push({ t: e.time, f: function () { addEvent(e); } }); });
    s.journal.forEach(function (j) { items.push({ t: j.time, f: function () { addRequest(j); } }); });
    items.sort(function (a, b) { return new Date(a.t) - new Date(b.t); });
    items.forEach(function (i) { i.f(); });
    if (s.reason === "behind") notice("the board fell behind and was resynchronised");
    if (s.reason === "reset") notice("pbxsim was reset");
    if (s.callsOmitted) notice(s.callsOmitted + " older calls are not shown");
    renderDirectory();
    renderCalls();
    document.getElementById("clock").textContent = clockOf(s.now);
    hook.snapshots++;
    hook.lastEvent = s.lastEvent;
    hook.lastJournal = s.lastJournal;
  }
  function applyEvent(m) {
    state.calls.set(m.call.id, m.call);
    addEvent(m.event);
    renderCalls();
    document.getElementById("clock").textContent = clockOf(m.event.time);
    hook.lastEvent = m.event.seq;
    hook.appliedAt[m.event.seq] = Date.now();
    var keys = Object.keys(hook.appliedAt);
    if (keys.length > 200) delete hook.appliedAt[keys[0]];
  }
  function applyJournal(m) {
    m.entries.forEach(function (j) { addRequest(j); hook.lastJournal = j.seq; });
  }

  var source = null;
  function connect() {
    if (source) source.close();
    var url = "stream" + (state.tenant ? "?tenant=" + encodeURIComponent(state.tenant) : "");
    source = new EventSource(url);
    var link = document.getElementById("link");
    source.onopen = function () { link.textContent = "live"; link.className = "link up"; };
    source.onerror = function () { link.textContent = "reconnecting…"; link.className = "link down"; };
    source.addEventListener("snapshot", function (ev) { applySnapshot(JSON.parse(ev.data)); });
    source.addEventListener("event", function (ev) { applyEvent(JSON.parse(ev.data)); });
    source.addEventListener("journal", function (ev) { applyJournal(JSON.parse(ev.data)); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var params = new URLSearchParams(location.search);
    state.tenant = params.get("tenant") || "";
    document.getElementById("tenant").addEventListener("change", function (ev) {
      state.tenant = ev.target.value;
      var q = state.tenant ? "?tenant=" + encodeURIComponent(state.tenant) : "";
      history.replaceState(null, "", location.pathname + q);
      connect();
    });
    ["events", "requests"].forEach(function (k) {
      document.getElementById("show-" + k).addEventListener("change", function (ev) {
        document.body.classList.toggle("hide-" + k, !ev.target.checked);
      });
    });
    connect();
  });
})();
