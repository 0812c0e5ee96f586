/* 方志 site behaviour on every page (the header search box is fangzhi-search.js):
 * - ?h=TERM in a page URL highlights the term inside the record the anchor
 *   points at (or the whole page) and scrolls to it, matching as the search
 *   does (whitespace, zero-width characters, NFKC, case ignored).
 */
(function () {
  "use strict";

  /* Folding as in the search (builder/search/index.py): segments (a code point and the combining marks
   * after it), each NFKC, lower case, whitespace and invisible characters removed (fangzhi-fold.js).
   * Traditional → simplified is left out: ?h= carries the words as the record writes them. */
  var ATTACH = window.FangzhiFold.ATTACH, foldSegment = window.FangzhiFold.base;  /* fangzhi-fold.js */
  /* The segments of s as [start, end) in string (UTF-16) offsets. */
  function segmentsOf(s) {
    var out = [], i = 0;
    for (var ch of s) {
      if (out.length && ATTACH.test(ch)) out[out.length - 1][1] += ch.length;
      else out.push([i, i + ch.length]);
      i += ch.length;
    }
    return out;
  }
  function fold(s) {
    return segmentsOf(s).map(function (g) { return foldSegment(s.slice(g[0], g[1])); }).join("");
  }

  /* Mark every match of the (folded) terms in the text under root; a match may run across elements
   * (a corrected character is a <span> of its own) and is marked piece by piece, whole segments each. */
  function highlightIn(root, terms) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
    var nodes = [], n, text = "", at = [];
    while ((n = walker.nextNode())) {
      var value = n.nodeValue, k = nodes.length;
      nodes.push(n);
      segmentsOf(value).forEach(function (g) {
        var f = foldSegment(value.slice(g[0], g[1]));
        for (var u = 0; u < f.length; u++) at.push([k, g[0], g[1]]);
        text += f;
      });
    }
    var pieces = nodes.map(function () { return []; });
    terms.forEach(function (t) {
      var j = text.indexOf(t);
      while (j !== -1) {
        var span = {};  /* text node -> [start, end) of this match in it */
        for (var u = j; u < j + t.length; u++) {
          var a = at[u];
          if (span[a[0]]) span[a[0]][1] = Math.max(span[a[0]][1], a[2]);
          else span[a[0]] = [a[1], a[2]];
        }
        Object.keys(span).forEach(function (k) { pieces[k].push(span[k]); });
        j = text.indexOf(t, j + t.length);
      }
    });
    var first = null;
    nodes.forEach(function (node, k) {
      var ranges = pieces[k].sort(function (a, b) { return a[0] - b[0]; });
      if (!ranges.length) return;
      var value = node.nodeValue, frag = document.createDocumentFragment(), pos = 0, mark = null;
      ranges.forEach(function (r) {
        if (r[1] <= pos) return;
        if (r[0] < pos) {  /* overlaps the match before: one mark */
          mark.textContent += value.slice(pos, r[1]);
        } else {
          frag.appendChild(document.createTextNode(value.slice(pos, r[0])));
          mark = document.createElement("mark");
          mark.className = "fz-hit";
          mark.textContent = value.slice(r[0], r[1]);
          frag.appendChild(mark);
          if (!first) first = mark;
        }
        pos = r[1];
      });
      frag.appendChild(document.createTextNode(value.slice(pos)));
      node.parentNode.replaceChild(frag, node);
    });
    return first;
  }

  function onLoad() {
    var h = new URLSearchParams(window.location.search).get("h");
    if (!h) return;
    var terms = h.split(/\s+/).map(fold).filter(Boolean);
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target) target.classList.add("fz-target");
    var first = highlightIn(target || document.querySelector(".md-content") || document.body, terms);
    (target || first || document.body).scrollIntoView({ block: "start" });
  }

  window.Fangzhi = { fold: fold };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
  else onLoad();
})();
