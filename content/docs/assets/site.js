/* Small accessibility fix for the theme: the search overlay is a dialog and needs a name. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (el) {
      el.setAttribute("aria-label", "搜索本站");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix);
  else fix();
})();
