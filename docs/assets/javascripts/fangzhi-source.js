/* 方志 source viewer (builder/render/viewer.py): a link to #L<n> or #L<n>-<m> highlights those
 * lines of the text and scrolls to the first. A single line is highlighted by CSS (:target) too. */
(function () {
  "use strict";
  function highlight() {
    var m = /^#L(\d+)(?:-(\d+))?$/.exec(window.location.hash);
    var old = document.querySelectorAll(".fz-source-text .fz-hl");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("fz-hl");
    if (!m) return;
    var first = +m[1], last = m[2] ? +m[2] : first, top = null;
    for (var n = first; n <= last && n - first < 5000; n++) {
      var line = document.getElementById("L" + n);
      if (!line) continue;
      line.classList.add("fz-hl");
      if (!top) top = line;
    }
    if (top) top.scrollIntoView({ block: "center" });
  }
  if (document.querySelector(".fz-source-text")) {
    window.addEventListener("hashchange", highlight);
    highlight();
  }
})();
