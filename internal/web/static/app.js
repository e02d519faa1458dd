// ocop: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  // Ask before submitting forms marked data-confirm.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
})();
