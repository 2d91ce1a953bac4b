// LedgerSync dashboard: refreshes the live runs in place and copies transaction IDs. No dependencies, no inline code
// (the pages' Content-Security-Policy forbids it); the server renders and HTML-encodes every fragment it sends.
(function () {
  "use strict";

  function startRefresh(container) {
    var url = container.getAttribute("data-refresh-url");
    var interval = parseInt(container.getAttribute("data-refresh-ms"), 10) || 1000;
    var pause = document.getElementById("live-pause");
    var state = document.getElementById("live-state");
    var paused = false;
    var failures = 0;

    if (pause) {
      pause.addEventListener("click", function () {
        paused = !paused;
        pause.setAttribute("aria-pressed", paused ? "true" : "false");
        pause.textContent = paused ? "Resume updates" : "Pause updates";
        if (state) { state.textContent = paused ? "Updates paused." : ""; }
      });
    }

    function tick() {
      // Leave the table alone while hidden, paused, or while the keyboard focus is inside it (a Stop button).
      if (paused || document.hidden || container.contains(document.activeElement)) {
        window.setTimeout(tick, interval);
        return;
      }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" }, cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (fragment) {
          container.innerHTML = fragment;
          container.setAttribute("data-refreshed", new Date().toISOString());
          if (failures > 0 && state) { state.textContent = ""; }
          failures = 0;
        })
        .catch(function (error) {
          failures++;
          if (state) { state.textContent = "Cannot reach the node (" + error.message + "); retrying."; }
        })
        .then(function () {
          window.setTimeout(tick, Math.min(interval * Math.pow(2, failures), 30000));
        });
    }

    window.setTimeout(tick, interval);
  }

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected for a manual copy */ }
    document.body.removeChild(area);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) { return; }
    var text = button.getAttribute("data-copy");
    var target = button.getAttribute("data-copy-target");
    if (text === null && target) {
      var list = document.getElementById(target);
      text = list ? Array.prototype.map.call(list.querySelectorAll("code"), function (c) { return c.textContent; }).join("\n") : "";
    }
    if (text) { copyText(text, button); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-refresh]"), startRefresh);
  });
})();
