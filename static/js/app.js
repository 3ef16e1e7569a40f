// What every page does with script on; every page also works without it.
// A static file (never inline script), so a strict Content-Security-Policy allows it.
(function () {
  "use strict";

  // GOV.UK's error summary: it takes focus when the page (or an htmx swap) shows it, so a screen reader
  // reads it first, and each of its links moves focus to its field (not just scrolls to it).
  // Only a summary that a swap brought in takes focus; one already on the page stays where it is.
  function focusNewErrorSummary() {
    var summaries = document.querySelectorAll(".error-summary[data-error-summary]");
    for (var i = 0; i < summaries.length; i++) {
      if (!summaries[i].slSeen) {
        summaries[i].slSeen = true;
        summaries[i].focus();
        return true;
      }
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

  // The one live region (#messages in base.html). Content that a swap brings in names what changed with
  // data-announce="..."; that text is written into the region, which swaps never replace, so it is read out.
  function announceNew() {
    var region = document.getElementById("messages");
    var said = document.querySelectorAll("[data-announce]");
    var text = null;
    for (var i = 0; i < said.length; i++) {
      if (!said[i].slSeen) {
        said[i].slSeen = true;
        text = said[i].getAttribute("data-announce");
      }
    }
    if (!region || !text) return;
    var line = region.querySelector(".announcement");
    if (!line) {
      line = document.createElement("p");
      line.className = "announcement visually-hidden";
      region.appendChild(line);
    }
    line.textContent = text;
  }

  // Focus stays where the person was. Before a swap, note what had focus: its id, or else where it sat inside
  // the element being replaced (which of its buttons, links or fields). After the swap, if focus fell to <body>,
  // give it to the same element in the new content.
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  var lastFocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail && event.detail.target;
    lastFocus = null;
    if (!active || active === document.body) return;
    lastFocus = { id: active.id, targetId: target && target.id, index: -1 };
    if (target && target.contains(active)) {
      lastFocus.index = Array.prototype.indexOf.call(target.querySelectorAll(FOCUSABLE), active);
    }
  });

  function refocus() {
    var active = document.activeElement;
    if (!lastFocus || (active && active !== document.body)) return;
    var again = lastFocus.id ? document.getElementById(lastFocus.id) : null;
    if (!again && lastFocus.targetId && lastFocus.index >= 0) {
      var region = document.getElementById(lastFocus.targetId);
      again = region ? region.querySelectorAll(FOCUSABLE)[lastFocus.index] : null;
    }
    if (again) again.focus();
  }

  // A swap that brings errors (or takes them away) changes the title as a page load would: "Error: " first.
  // The words come from the page (base.html), in its language; this file has none of its own.
  var ERROR_PREFIX = document.documentElement.getAttribute("data-error-prefix") || "";
  function titleFollowsErrors() {
    if (!ERROR_PREFIX) return;
    var hasErrors = !!document.querySelector(".error-summary[data-error-summary]");
    var starts = document.title.indexOf(ERROR_PREFIX) === 0;
    if (hasErrors && !starts) document.title = ERROR_PREFIX + document.title;
    if (!hasErrors && starts) document.title = document.title.slice(ERROR_PREFIX.length);
  }

  document.addEventListener("htmx:afterSettle", function () {
    titleFollowsErrors();
    if (focusNewErrorSummary()) { lastFocus = null; return; }
    announceNew();
    refocus();
    lastFocus = null;
  });

  document.addEventListener("DOMContentLoaded", function () {
    var said = document.querySelectorAll("[data-announce]");
    for (var i = 0; i < said.length; i++) said[i].slSeen = true;  // announced only when a swap brings them
    focusNewErrorSummary();
  });
  // Progressive disclosure: a setting that applies to one choice only (data-shown-when="method=dots") is
  // hidden while another is chosen. Without script every setting shows, and the server ignores those unused.
  function showWhenChosen() {
    var parts = document.querySelectorAll("[data-shown-when]");
    for (var i = 0; i < parts.length; i++) {
      var rule = parts[i].getAttribute("data-shown-when").split("=");
      var form = parts[i].closest("form");
      var chosen = form && form.querySelector("input[name='" + rule[0] + "']:checked");
      parts[i].hidden = !chosen || chosen.value !== rule[1];
    }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=radio]")) showWhenChosen();
  });
  showWhenChosen();
})();
