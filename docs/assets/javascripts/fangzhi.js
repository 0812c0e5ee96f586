/* 方志 site behaviour on every page:
 * - Enter in the header search box opens the full result list (search/?q=…);
 * - ?h=TERM in a page URL highlights the term inside the record the anchor
 *   points at (or the whole page) and scrolls to it.
 */
(function () {
  "use strict";

  function base() {
    var cfg = document.getElementById("__config");
    try { return JSON.parse(cfg.textContent).base.replace(/\/?$/, "/"); } catch (e) { return "./"; }
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.key !== "Enter" || !t || !t.classList || !t.classList.contains("md-search__input")) return;
    var q = t.value.trim();
    if (!q) return;
    ev.preventDefault();
    ev.stopPropagation();
    window.location.href = base() + "search/" + (window.location.protocol === "file:" ? "index.html" : "") +
      "?q=" + encodeURIComponent(q);
  }, true);

  function norm(s) { return s.replace(/\s+/g, "").toLowerCase(); }

  function highlightIn(root, terms) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
    var nodes = [], n, first = null;
    while ((n = walker.nextNode())) nodes.push(n);
    nodes.forEach(function (node) {
      var text = node.nodeValue, lower = text.toLowerCase();
      var ranges = [];
      terms.forEach(function (t) {
        var i = lower.indexOf(t);
        while (i !== -1) { ranges.push([i, i + t.length]); i = lower.indexOf(t, i + t.length); }
      });
      if (!ranges.length) return;
      ranges.sort(function (a, b) { return a[0] - b[0]; });
      var frag = document.createDocumentFragment(), pos = 0;
      ranges.forEach(function (r) {
        if (r[0] < pos) return;
        frag.appendChild(document.createTextNode(text.slice(pos, r[0])));
        var mark = document.createElement("mark");
        mark.className = "fz-hit";
        mark.textContent = text.slice(r[0], r[1]);
        frag.appendChild(mark);
        if (!first) first = mark;
        pos = r[1];
      });
      frag.appendChild(document.createTextNode(text.slice(pos)));
      node.parentNode.replaceChild(frag, node);
    });
    return first;
  }

  function onLoad() {
    var h = new URLSearchParams(window.location.search).get("h");
    if (!h) return;
    var terms = h.split(/\s+/).map(norm).filter(Boolean);
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target) target.classList.add("fz-target");
    var first = highlightIn(target || document.querySelector(".md-content") || document.body, terms);
    (target || first || document.body).scrollIntoView({ block: "start" });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
  else onLoad();
})();
