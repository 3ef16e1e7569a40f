// A button marked data-print prints the page. Here, not in an onclick attribute, because the
// Content-Security-Policy refuses inline script.
document.addEventListener("click", function (event) {
  if (event.target instanceof Element && event.target.closest("[data-print]")) {
    window.print();
  }
});
