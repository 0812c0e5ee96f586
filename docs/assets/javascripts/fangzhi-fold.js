/* 方志 folding, shared by the search page (fangzhi-search.js) and the highlight on the page a
 * result opens (fangzhi.js); builder/search/index.py folds the same way, and
 * tests/test_hostile_search.py checks that all three agree on every assigned BMP code point.
 *
 * A segment is a code point and the combining marks after it (ATTACH); ``base`` folds one
 * segment: NFKC, lower case, whitespace and invisible characters (IGNORED, the IGNORED_RANGES
 * of builder/search/index.py) removed. Traditional → simplified is the search page's own step
 * (its map comes with the index). Loaded before both scripts; defining it twice is harmless. */
(function () {
  "use strict";
  if (window.FangzhiFold) return;
  var IGNORED = /[\t-\r\x1c-\x20\x85\xa0\xad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]/gu;
  /* a combining mark, or a conjoining Hangul vowel or final */
  var ATTACH = /^[\p{M}\u1160-\u11ff\ud7b0-\ud7ff]$/u;
  window.FangzhiFold = {
    ATTACH: ATTACH,
    base: function (seg) { return seg.normalize("NFKC").toLowerCase().replace(IGNORED, ""); }
  };
})();
