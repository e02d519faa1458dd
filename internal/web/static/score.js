// ocop scoring workspace: saves each answer as soon as it is chosen and
// keeps the running totals up to date. Progressive: without this file the
// page's buttons save one criterion or the whole page with a normal post.
(function () {
  "use strict";
  var form = document.querySelector("form[data-score]");
  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var csrf = form.querySelector("input[name=csrf]");
  var status = document.getElementById("score-status");
  // Answers save as they are chosen: the per-criterion buttons are for
  // pages without this file.
  form.classList.add("live");

  function say(el, text, bad) {
    if (!el) { return; }
    el.textContent = text;
    el.classList.toggle("bad", !!bad);
  }

  function lowest(fs) {
    var min = null;
    fs.querySelectorAll("input[type=radio]").forEach(function (r) {
      var p = parseInt(r.getAttribute("data-points"), 10);
      if (!isNaN(p) && (min === null || p < min)) { min = p; }
    });
    return min;
  }

  function showTotals(t) {
    var set = function (k, v) {
      document.querySelectorAll("[data-total='" + k + "']").forEach(function (el) { el.textContent = v; });
    };
    set("A", t.a); set("B", t.b); set("C", t.c); set("total", t.total);
    set("unscored", (t.unscored || []).length);
    var list = document.querySelector("[data-unscored-list]");
    if (list) { list.textContent = (t.unscored || []).join(", "); }
  }

  function save(fs) {
    var id = fs.getAttribute("data-criterion");
    var chosen = fs.querySelector("input[type=radio]:checked");
    if (!chosen) { return; }
    var gate = fs.querySelector("input[name=g" + id + "]");
    var version = form.querySelector("input[name=v" + id + "]");
    var body = new URLSearchParams();
    body.set("only", id);
    body.set("c" + id, chosen.value);
    body.set("v" + id, version ? version.value : "0");
    if (gate && gate.checked) { body.set("g" + id, "1"); }
    var flag = fs.querySelector(".flag");
    if (flag) { flag.hidden = parseInt(chosen.getAttribute("data-points"), 10) > lowest(fs); }
    var cs = fs.querySelector(".crit-status");
    fs.classList.add("saving");
    say(cs, form.getAttribute("data-msg-saving"));
    fetch(form.action, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf ? csrf.value : "" }
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) { return { ok: res.ok, status: res.status, data: data }; });
    }).then(function (r) {
      fs.classList.remove("saving");
      if (!r.ok) {
        var msg = (r.data && r.data.detail) || form.getAttribute("data-msg-failed");
        if (r.status === 409) { msg += " " + form.getAttribute("data-msg-stale"); }
        fs.classList.add("failed");
        say(cs, msg, true);
        say(status, msg, true);
        return;
      }
      fs.classList.remove("failed");
      fs.classList.add("scored");
      (r.data.saved || []).forEach(function (sc) {
        var v = form.querySelector("input[name=v" + sc.criterion_id + "]");
        if (v) { v.value = sc.version; }
      });
      if (r.data.totals) { showTotals(r.data.totals); }
      say(cs, form.getAttribute("data-msg-saved"));
      say(status, "");
    }).catch(function () {
      fs.classList.remove("saving");
      fs.classList.add("failed");
      say(cs, form.getAttribute("data-msg-failed"), true);
    });
  }

  form.addEventListener("change", function (e) {
    var fs = e.target.closest("fieldset.crit");
    if (fs && (e.target.type === "radio" || e.target.type === "checkbox")) { save(fs); }
  });
})();
