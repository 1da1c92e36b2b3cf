// passdesk's live password meter: while the person types, ask the server
// (the same rules the password step enforces, for this person) and show
// the strength and every unmet rule. The password goes only to passdesk,
// over the page's own HTTPS connection, and is never stored.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=new_password]");
  var csrf = form.querySelector("input[name=csrf]").value;
  var meter = document.getElementById("strength");
  var label = document.getElementById("strength-label");
  var unmet = document.getElementById("unmet");
  var words = form.getAttribute("data-levels").split("|");
  var strength = form.getAttribute("data-strength");
  var meets = form.getAttribute("data-meets");
  var empty = form.getAttribute("data-empty");
  var timer = null, asked = 0;
  document.getElementById("meter").hidden = false;

  function show(report) {
    meter.value = report.score;
    label.textContent = strength + " " + words[report.score] + (report.acceptable ? " " + meets : "");
    while (unmet.firstChild) { unmet.removeChild(unmet.firstChild); }
    report.problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.charAt(0).toUpperCase() + p.slice(1) + ".";
      unmet.appendChild(li);
    });
  }

  function ask() {
    var mine = ++asked;
    fetch(form.getAttribute("data-check"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ csrf: csrf, password: input.value })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (report) { if (report && mine === asked) { show(report); } })
      .catch(function () { /* the password step still checks everything */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (input.value === "") { label.textContent = empty; meter.value = 0; return; }
    timer = setTimeout(ask, 250);
  });
})();
