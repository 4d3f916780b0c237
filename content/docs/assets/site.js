/* Small accessibility fix for the theme. With navigation.indexes, Material names a section's
 * sub-navigation by a label that holds only an icon, so every such <nav> has an empty name and
 * screen readers cannot tell them apart: name each label after its section's link. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
      var label = document.getElementById(nav.getAttribute("aria-labelledby"));
      if (!label || label.textContent.trim() || label.hasAttribute("aria-label")) return;
      var link = label.parentNode && label.parentNode.querySelector("a.md-nav__link");
      var name = link && link.textContent.trim();
      if (name) label.setAttribute("aria-label", name);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix);
  else fix();
})();
