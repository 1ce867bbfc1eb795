// Saves the informant's answers as they go: on every change, the form is posted in the
// background (the same POST as the Save button, with the page's CSRF token). A failed save says
// so in the page; the answers stay in the form. Without JavaScript, the Save button does the same.
(function () {
  "use strict";
  var form = document.getElementById("profile-form");
  var status = document.getElementById("status");
  var progress = document.getElementById("progress");
  if (!form || !window.fetch || !window.FormData) { return; }
  var timer = null;
  var busy = false;
  var again = false;

  function show(text, failed) {
    status.textContent = text;
    status.className = failed ? "status error" : "status";
  }

  function save() {
    if (busy) { again = true; return; }
    busy = true;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(window.location.pathname, {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      show(result.body.message, !result.ok);
      if (result.ok && result.body.progress) { progress.textContent = result.body.progress; }
    }).catch(function () {
      show(form.getAttribute("data-failed"), true);
    }).then(function () {
      busy = false;
      if (again) { again = false; save(); }
    });
  }

  form.addEventListener("change", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 300);
  });
})();
