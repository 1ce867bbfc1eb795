// The consultant's view: reload the embedded report every 15 seconds, so that answers show as
// they come in (only while the page is visible).
(function () {
  "use strict";
  var frame = document.getElementById("report");
  if (!frame) { return; }
  setInterval(function () {
    if (document.visibilityState === "visible" && frame.contentWindow) {
      frame.contentWindow.location.reload();
    }
  }, 15000);
})();
