// After htmx swaps a form, put the keyboard focus back on the button that was pressed.
// htmx restores focus by id when the focused element is replaced; this also covers the case
// where focus left the button while the request was in flight, so a keyboard user never
// lands back at the top of the page after "Move up" or "Move down".
(function () {
  var pressed = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    var submitter = trigger && trigger.submitter;
    pressed = submitter && submitter.id ? submitter.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!pressed) return;
    var button = document.getElementById(pressed);
    pressed = null;
    if (button && document.activeElement !== button) button.focus({ preventScroll: true });
  });
})();
