/* 方志 full-text search page: exact substring search over every record.
 *
 * Contract: search/?q=QUERY[&year=Y|Y1-Y2][&region=ID][&topic=ID][&source=N]
 * shows every result; each result element carries data-url (page URL with
 * anchor, relative to the site root) and the count is in [data-total].
 * The data comes from ../data/records.js (a script, so it works from file://).
 */
(function () {
  "use strict";
  var DATA = window.FANGZHI_DATA;
  var ROOT = "../";
  var FIRST_BATCH = 50;
  var BATCH = 200;

  function norm(s) {
    return s.replace(/\s+/g, "").toLowerCase();
  }

  function parseQuery(q) {
    var terms = [];
    var re = /"([^"]+)"|“([^”]+)”|「([^」]+)」|(\S+)/g;
    var m;
    while ((m = re.exec(q)) !== null) {
      var t = norm(m[1] || m[2] || m[3] || m[4] || "");
      if (t) terms.push(t);
    }
    return terms;
  }

  function countOf(hay, needle) {
    var n = 0, i = hay.indexOf(needle);
    while (i !== -1) { n++; i = hay.indexOf(needle, i + needle.length); }
    return n;
  }

  var prepared = null;
  function prepare() {
    if (prepared) return prepared;
    prepared = DATA.records.map(function (r, i) {
      return { i: i, url: r[0], type: r[1], title: r[2], text: r[3], source: r[4], date: r[5],
               years: r[6], regions: r[7], topics: r[8], ntitle: norm(r[2]), ntext: norm(r[3]) };
    });
    return prepared;
  }

  function inYear(rec, spec) {
    if (!spec) return true;
    var parts = spec.split("-"), lo = +parts[0], hi = +(parts[1] || parts[0]);
    return rec.years.some(function (y) { return y >= lo && y <= hi; });
  }

  function search(terms, filters) {
    var out = [];
    prepare().forEach(function (rec) {
      var hits = 0, titleHit = false;
      for (var k = 0; k < terms.length; k++) {
        var inTitle = rec.ntitle.indexOf(terms[k]) !== -1;
        var c = countOf(rec.ntext, terms[k]);
        if (!inTitle && c === 0) return;
        titleHit = titleHit || inTitle;
        hits += c + (inTitle ? 1 : 0);
      }
      if (!inYear(rec, filters.year)) return;
      if (filters.region && rec.regions.indexOf(filters.region) === -1) return;
      if (filters.topic && rec.topics.indexOf(filters.topic) === -1) return;
      if (filters.source !== "" && filters.source != null && String(rec.source) !== filters.source) return;
      out.push({ rec: rec, hits: hits, titleHit: titleHit });
    });
    out.sort(function (a, b) {
      return (b.titleHit - a.titleHit) || (b.hits - a.hits) ||
             (a.rec.ntext.length - b.rec.ntext.length) || (a.rec.i - b.rec.i);
    });
    return out;
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* Positions (in the raw text) of every match of every term, ignoring whitespace. */
  function matchRanges(raw, terms) {
    var map = [], compact = "";
    for (var i = 0; i < raw.length; i++) {
      if (!/\s/.test(raw[i])) { map.push(i); compact += raw[i].toLowerCase(); }
    }
    var ranges = [];
    terms.forEach(function (t) {
      var j = compact.indexOf(t);
      while (j !== -1) {
        ranges.push([map[j], map[j + t.length - 1] + 1]);
        j = compact.indexOf(t, j + t.length);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    return ranges;
  }

  function highlight(raw, ranges, from, to) {
    var html = "", pos = from;
    ranges.forEach(function (r) {
      if (r[1] <= pos || r[0] >= to) return;
      var s = Math.max(r[0], pos), e = Math.min(r[1], to);
      html += escapeHtml(raw.slice(pos, s)) + "<mark>" + escapeHtml(raw.slice(s, e)) + "</mark>";
      pos = e;
    });
    return html + escapeHtml(raw.slice(pos, to));
  }

  function snippet(raw, terms) {
    var ranges = matchRanges(raw, terms);
    if (!ranges.length) return escapeHtml(raw.slice(0, 120)) + (raw.length > 120 ? "…" : "");
    var from = Math.max(0, ranges[0][0] - 40), to = Math.min(raw.length, ranges[0][0] + 110);
    return (from > 0 ? "…" : "") + highlight(raw, ranges, from, to) + (to < raw.length ? "…" : "");
  }

  var TYPE_NAMES = { e: "大事", t: "条目", s: "章节" };

  function resultItem(hit, terms, q) {
    var r = hit.rec;
    var li = document.createElement("li");
    li.className = "fz-result";
    li.setAttribute("data-url", r.url);
    li.setAttribute("data-hits", String(hit.hits));
    var hash = r.url.indexOf("#");
    var href = ROOT + r.url.slice(0, hash) + "?h=" + encodeURIComponent(terms.join(" ")) + r.url.slice(hash);
    var head = (r.date ? '<span class="fz-date">' + escapeHtml(r.date) + "</span> " : "") +
      (r.title ? (r.type === "t" ? "【" : "§ ") + highlight(r.title, matchRanges(r.title, terms), 0, r.title.length) +
        (r.type === "t" ? "】" : "") : "");
    li.innerHTML =
      '<a class="fz-result-link" href="' + escapeHtml(href) + '">' + (head || TYPE_NAMES[r.type]) + "</a>" +
      '<div class="fz-snippet">' + snippet(r.text, terms) + "</div>" +
      '<div class="fz-result-meta">' + TYPE_NAMES[r.type] + " · " + escapeHtml(DATA.meta.sources[r.source]) +
      " · 命中 " + hit.hits + " 处</div>";
    return li;
  }

  function facetCounts(hits) {
    var f = { year: {}, region: {}, topic: {}, source: {} };
    hits.forEach(function (h) {
      h.rec.years.forEach(function (y) { f.year[y] = (f.year[y] || 0) + 1; });
      h.rec.regions.forEach(function (g) { f.region[g] = (f.region[g] || 0) + 1; });
      h.rec.topics.forEach(function (t) { f.topic[t] = (f.topic[t] || 0) + 1; });
      f.source[h.rec.source] = (f.source[h.rec.source] || 0) + 1;
    });
    return f;
  }

  function renderFacets(container, counts, params) {
    var names = {
      year: function (k) { return k + "年"; },
      region: function (k) { return DATA.meta.regions[k] || k; },
      topic: function (k) { return DATA.meta.topics[k] || k; },
      source: function (k) { return DATA.meta.sources[k]; }
    };
    var labels = { year: "年份", region: "地区", topic: "主题", source: "文献" };
    var html = "";
    Object.keys(labels).forEach(function (key) {
      var keys = Object.keys(counts[key]).sort(function (a, b) {
        return key === "year" ? a - b : counts[key][b] - counts[key][a];
      });
      if (!keys.length) return;
      html += '<div class="fz-facet" data-facet="' + key + '"><span class="fz-facet-label">' + labels[key] + "</span>";
      keys.slice(0, 30).forEach(function (k) {
        var p = new URLSearchParams(params);
        var active = p.get(key) === String(k);
        if (active) p.delete(key); else p.set(key, k);
        html += '<a class="fz-facet-value' + (active ? " fz-active" : "") + '" data-value="' + escapeHtml(String(k)) +
          '" href="?' + escapeHtml(p.toString()) + '">' + escapeHtml(names[key](k)) +
          ' <span class="fz-count">' + counts[key][k] + "</span></a>";
      });
      html += "</div>";
    });
    container.innerHTML = html;
  }

  function run() {
    var params = new URLSearchParams(initialSearch);
    var q = params.get("q") || "";
    var input = document.getElementById("fz-q");
    var status = document.getElementById("fz-search-status");
    var list = document.getElementById("fz-results");
    if (!input || !status || !list) return;
    input.value = q;
    var facets = document.getElementById("fz-facets");
    if (!facets) {
      facets = document.createElement("div");
      facets.id = "fz-facets";
      facets.className = "fz-facets";
      status.parentNode.insertBefore(facets, status);
    }
    var terms = parseQuery(q);
    if (!terms.length) {
      status.setAttribute("data-total", "0");
      status.textContent = "请输入检索词。";
      return;
    }
    var filters = { year: params.get("year"), region: params.get("region"), topic: params.get("topic"),
                    source: params.get("source") };
    var hits = search(terms, filters);
    renderFacets(facets, facetCounts(hits), params);
    status.setAttribute("data-total", String(hits.length));
    status.textContent = "“" + q + "”：共 " + hits.length + " 条结果" + (filters.year || filters.region ||
      filters.topic || filters.source ? "（已筛选）" : "");
    list.innerHTML = "";
    var shown = 0;
    function more(n) {
      var frag = document.createDocumentFragment();
      for (var end = Math.min(hits.length, shown + n); shown < end; shown++) {
        frag.appendChild(resultItem(hits[shown], terms, q));
      }
      list.appendChild(frag);
      if (shown < hits.length) {
        setTimeout(function () { more(BATCH); }, 0);
      } else {
        list.setAttribute("data-complete", "true");
      }
    }
    more(FIRST_BATCH);
  }

  /* Material's header search opens its own overlay when the page URL has ?q=
   * and deletes q from the URL when the overlay closes. This page owns q: hide
   * it from Material while Material starts, then put it back. */
  var initialSearch = window.location.search;
  if (/[?&]q=/.test(initialSearch) && window.history && window.history.replaceState) {
    var hidden = new URLSearchParams(initialSearch);
    hidden.delete("q");
    var rest = hidden.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
    window.addEventListener("load", function () {
      window.history.replaceState(null, "", window.location.pathname + initialSearch + window.location.hash);
    });
  }

  if (!DATA) {
    var status = document.getElementById("fz-search-status");
    if (status) status.textContent = "检索数据未能载入（data/records.js）。";
    return;
  }
  run();
})();
