// What every page does with script on; every page also works without it.
// A static file (never inline script), so a strict Content-Security-Policy allows it.
(function () {
  "use strict";

  // GOV.UK's error summary: it takes focus when the page (or an htmx swap) shows it, so a screen reader
  // reads it first, and each of its links moves focus to its field (not just scrolls to it).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector(".error-summary[data-error-summary]");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    // Show the field's label or legend too, not only the input.
    var group = field.closest("fieldset") || field.closest(".field");
    if (group) group.scrollIntoView();
    field.focus({ preventScroll: !!group });
  });

  // The one live region (#messages in base.html). Swapped content names what changed with
  // data-announce="..."; the text is written into the region, which swaps never replace.
  function announce(root) {
    var region = document.getElementById("messages");
    var said = root && root.querySelector ? root.querySelector("[data-announce]") : null;
    if (root && root.matches && root.matches("[data-announce]")) said = root;
    if (!region || !said) return;
    var text = said.getAttribute("data-announce");
    var line = region.querySelector(".announcement");
    if (!line) {
      line = document.createElement("p");
      line.className = "announcement visually-hidden";
      region.appendChild(line);
    }
    line.textContent = text;
  }

  // Focus stays where the person was: if a swap replaced the focused element, focus its replacement
  // (the element with the same id, or failing that the same name and value).
  var lastFocus = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    if (active && active !== document.body) {
      lastFocus = { id: active.id, name: active.getAttribute("name"), value: active.getAttribute("value") };
    } else {
      lastFocus = null;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.elt;
    if (focusErrorSummary(target && target.parentNode ? target.parentNode : document)) return;
    announce(target);
    var active = document.activeElement;
    if (lastFocus && (!active || active === document.body)) {
      var again = lastFocus.id ? document.getElementById(lastFocus.id) : null;
      if (!again && lastFocus.name) {
        var candidates = document.getElementsByName(lastFocus.name);
        for (var i = 0; i < candidates.length; i++) {
          if (candidates[i].getAttribute("value") === lastFocus.value) { again = candidates[i]; break; }
        }
      }
      if (again) again.focus();
    }
    lastFocus = null;
  });

  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });
})();
