/* 方志 full-text search page over the split index in data/search/ (builder/search/index.py).
 *
 * Contract: search/?q=QUERY[&year=Y|Y1-Y2][&region=ID][&topic=ID][&source=N]
 * lists every record whose folded title or text contains every term (spaces
 * separate terms; "quoted phrases" are one term); each result element carries
 * data-url (page URL with anchor, relative to the site root); the exact total
 * is in [data-total]. #fz-results gets data-ready (ms from search to display) and
 * data-files (index files loaded so far) when the first results are shown, and
 * data-complete when every result is listed.
 *
 * Loading: only the manifest, the files of the query's own grams, and then
 * the record blocks (and, for long records, text chunks) of the results on screen;
 * facets after the first results unless the URL filters by one. Every file
 * is a <script> (works from file://, no fetch/XHR) whose data is deflated and
 * written in base85; it is inflated here with DecompressionStream
 * ("deflate-raw": Chromium 80, Firefox 113, Safari 16.4). A page may also
 * include one itself (<script data-fzs="manifest" src=…>). window.FZS.loaded
 * lists them.
 *
 * Units: every offset and length in the index counts Unicode code points (a
 * CJK Extension B character such as 𡒄 is one), so text is handled here as
 * arrays of code points (Array.from), never sliced by string index.
 *
 * Folding (the same as builder/search/index.py, which documents it): text is cut
 * into segments (a code point and the combining marks after it), each segment
 * is normalised to NFKC, lower-cased, cleared of whitespace and invisible
 * characters (zero-width space, joiners, BOM, variation selectors …; fangzhi-fold.js)
 * and mapped traditional → simplified. A match is found in the folded text
 * and shown on the original segments it came from.
 */
(function () {
  "use strict";
  if (window.FangzhiSearch) return;  /* loaded once per page */
  var FIRST = 20, BATCH = 200, HEADER_FIRST = 8;
  var SELF = document.currentScript && document.currentScript.src;
  var ROOT = SELF ? SELF.replace(/assets\/javascripts\/fangzhi-search\.js(\?.*)?$/, "") : "../";
  var INDEX = ROOT + "data/search/";
  var FILE_URLS = window.location.protocol === "file:" || /\/index\.html$/.test(window.location.pathname);
  var B85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
  var B85VAL = new Int16Array(128).fill(-1);
  for (var d = 0; d < B85.length; d++) B85VAL[B85.charCodeAt(d)] = d;
  var BINARY = /^(g|h|p|f|fc)\//;  /* files of varints; the others hold JSON */

  /* ---- loading index files as scripts ---- */
  /* A file's data is a string: its bytes deflated (raw) and written in base85 (builder/search/index.py
   * ``pack``). unpack turns it back into bytes. */
  function base85(s) {
    var n = s.length, out = new Uint8Array(Math.floor(n / 5) * 4 + (n % 5 ? n % 5 - 1 : 0)), o = 0;
    for (var i = 0; i < n; i += 5) {
      var v = 0, m = Math.min(5, n - i);  /* a last group of m < 5 characters is m - 1 bytes, padded with "~" */
      for (var k = 0; k < 5; k++) v = v * 85 + (k < m ? B85VAL[s.charCodeAt(i + k)] : 84);
      for (var b = 0, bytes = m === 5 ? 4 : m - 1; b < bytes; b++) out[o++] = (v >>> (24 - 8 * b)) & 255;
    }
    return out;
  }
  function unpack(s) {
    var stream = new Blob([base85(s)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (buf) { return new Uint8Array(buf); });
  }
  function parse(name, bytes) {
    return BINARY.test(name) ? bytes : JSON.parse(new TextDecoder().decode(bytes));
  }
  var store = (window.FZS && window.FZS.early) || {}, pending = {};
  window.FZS = { put: function (name, data) { store[name] = data; }, loaded: [] };
  /* ``dir``: another index's folder (a portal's hub reads each collection's records from that collection's
   * own index, whose files carry the same names): its file is taken from the store in the load event of
   * its own script, which the browser fires right after running it, before any other script runs. */
  function load(name, dir) {
    var key = (dir || "") + name;
    if (pending[key]) return pending[key];
    if (!dir && name in store) {  /* the page included it: <script data-fzs=NAME> before this script */
      window.FZS.loaded.push(name);
      return (pending[key] = unpack(store[name]).then(function (b) { return parse(name, b); }));
    }
    if (!dir && document.querySelector('script[data-fzs="' + name + '"]')) {
      return (pending[key] = Promise.reject(new Error("检索索引未能载入：" + name)));
    }
    pending[key] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = (dir || INDEX) + name + ".js";
      s.async = true;
      s.onload = function () {
        window.FZS.loaded.push(key);
        if (!(name in store)) return reject(new Error(name));
        var data = store[name];
        delete store[name];
        resolve(unpack(data).then(function (b) { return parse(name, b); }));
      };
      s.onerror = function () { reject(new Error("检索索引未能载入：" + name)); };
      document.head.appendChild(s);
    });
    return pending[key];
  }

  /* ---- numbers and folding ---- */
  /* LEB128 varints (7 bits a byte, low first) of bytes[from, to) */
  function decode(bytes, from, to) {
    var out = [], v = 0, mul = 1;
    from = from || 0;
    to = to === undefined ? bytes.length : to;
    for (var i = from; i < to; i++) {
      var c = bytes[i];
      if (c < 128) { out.push(v + c * mul); v = 0; mul = 1; } else { v += (c - 128) * mul; mul *= 128; }
    }
    return out;
  }
  /* compare two strings by code points (Python's order) */
  function cmpPoints(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }
  var M = null, F = null, FOLD = {}, SEGMENTS = new Map(), HEAVY = Object.create(null), BLOCKS = [];
  /* a portal's hub (builder/portal/search.py): its collections [id, title, records], where each one's records
   * start in the hub's numbering, and each one's c/<k> (blocks, list and chunk sizes, source titles) */
  var HUB = null, OFFSETS = [], INFO = [];
  var ATTACH = window.FangzhiFold.ATTACH;  /* fangzhi-fold.js, loaded before this */
  function foldSegment(seg) {
    var out = SEGMENTS.get(seg);
    if (out !== undefined) return out;
    out = "";
    for (var ch of window.FangzhiFold.base(seg)) out += FOLD[ch] || ch;
    SEGMENTS.set(seg, out);
    return out;
  }
  /* cps (an array of code points) folded: the text, and for each of its UTF-16 units the code point range
   * [start, end) of the segment of cps it comes from. */
  function foldMapped(cps) {
    var text = "", from = [], to = [], i = 0;
    while (i < cps.length) {
      var j = i + 1;
      while (j < cps.length && ATTACH.test(cps[j])) j++;
      var f = foldSegment(j === i + 1 ? cps[i] : cps.slice(i, j).join(""));
      for (var k = 0; k < f.length; k++) { from.push(i); to.push(j); }
      text += f;
      i = j;
    }
    return { text: text, from: from, to: to };
  }
  function fold(s) { return foldMapped(Array.from(s)).text; }
  function parseQuery(q) {
    var terms = [], re = /"([^"]+)"|“([^”]+)”|「([^」]+)」|(\S+)/g, m;
    while ((m = re.exec(q)) !== null) {
      var t = fold(m[1] || m[2] || m[3] || m[4] || "");
      if (t && terms.indexOf(t) === -1) terms.push(t);
    }
    return terms;
  }
  function manifest() {
    return load("manifest").then(function (m) {
      if (!M) {
        M = m;
        var f = Array.from(m.fold);
        for (var i = 0; i + 1 < f.length; i += 2) FOLD[f[i]] = f[i + 1];
        SEGMENTS.clear();
        m.heavy.forEach(function (g, k) { HEAVY[g] = k; });
        var at = 0;
        BLOCKS = m.blocks.map(function (n) { var first = at; at += n; return first; });
        if (m.collections) {
          HUB = m.collections;
          at = 0;
          OFFSETS = HUB.map(function (c) { var first = at; at += c[2]; return first; });
        }
      }
      return M;
    });
  }
  function facetIndex() {
    return load("facets").then(function (f) { F = f; return f; });
  }

  /* ---- gram lists ---- */
  var shards = {};
  /* A shard: grams in code point order, each (builder/search/index.py _shard_key) as 4 × shared + length,
   * its code points (the first after a shared one as a difference), then its list's length and the list. */
  function parseShard(bytes) {
    var map = {}, i = 0, prev = [];
    function next() {
      var v = 0, mul = 1, c;
      do { c = bytes[i++]; v += (c & 127) * mul; mul *= 128; } while (c >= 128);
      return v;
    }
    while (i < bytes.length) {
      var h = next(), shared = h >> 2, n = h & 3, key = shared ? [prev[0]] : [];
      for (var k = shared; k < n; k++) {
        var cp = next();
        if (shared && k === shared) cp += prev.length > 1 ? prev[1] : 0;
        key.push(cp);
      }
      var len = next();
      map[String.fromCodePoint.apply(null, key)] = bytes.subarray(i, i + len);
      i += len;
      prev = key;
    }
    return map;
  }
  /* A light gram's list, from its shard (the last whose first gram is not after it). */
  function shardEntry(gram) {
    var lo = 0, hi = M.shards.length - 1;
    if (hi < 0 || cmpPoints(M.shards[0], gram) > 0) return Promise.resolve(new Uint8Array(0));
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (cmpPoints(M.shards[mid], gram) <= 0) lo = mid; else hi = mid - 1;
    }
    var name = "g/" + lo;
    return load(name).then(function (bytes) {
      if (!shards[name]) shards[name] = parseShard(bytes);
      return shards[name][gram] || new Uint8Array(0);
    });
  }
  /* kind "doc": the document list (1-grams, heavy 2-grams); "pos": the positional list (2-grams). */
  function gramList(gram, kind) {
    if (gram in HEAVY) return load((kind === "pos" ? "p/" : "h/") + HEAVY[gram]);
    return shardEntry(gram);
  }
  /* document list: Map id -> {hits, title} */
  function docList(bytes) {
    var v = decode(bytes), out = new Map(), id = -1;
    for (var i = 0; i < v.length; i += 2) {
      id += v[i] + 1;
      out.set(id, { hits: (v[i + 1] >> 1) + (v[i + 1] & 1), title: (v[i + 1] & 1) === 1, first: -1 });
    }
    return out;
  }
  /* positional list: Map id -> [title positions, text positions] */
  function posList(bytes) {
    var v = decode(bytes), out = new Map(), id = -1, i = 0;
    while (i < v.length) {
      id += v[i] + 1;
      var nx = v[i + 1] >> 1, nt = 0, sides = [[], []], p;
      if (v[i + 1] & 1) { nt = v[i + 2] + 1; i += 3; } else i += 2;
      for (var side = 0; side < 2; side++) {
        p = 0;
        for (var k = 0, n = side ? nx : nt; k < n; k++, i++) { p += v[i]; sides[side].push(p); }
      }
      out.set(id, sides);
    }
    return out;
  }
  function termMatches(term) {
    var cps = Array.from(term);
    if (cps.length === 1 || (cps.length === 2 && term in HEAVY)) return gramList(term, "doc").then(docList);
    if (cps.length === 2) {
      return shardEntry(term).then(function (entry) {
        var out = new Map();
        posList(entry).forEach(function (sides, id) {
          out.set(id, { hits: sides[1].length + (sides[0].length ? 1 : 0), title: sides[0].length > 0,
                        first: sides[1].length ? sides[1][0] : -1 });
        });
        return out;
      });
    }
    /* a chain of 2-grams at offsets 0, 2, 4 … and n - 2: a record matches where they all line up */
    var offsets = [];
    for (var o = 0; o + 2 <= cps.length; o += 2) offsets.push(o);
    if (offsets[offsets.length - 1] !== cps.length - 2) offsets.push(cps.length - 2);
    return Promise.all(offsets.map(function (o) { return gramList(cps.slice(o, o + 2).join(""), "pos"); }))
      .then(function (lists) {
        var maps = lists.map(posList), order = maps.map(function (m, k) { return k; }).sort(function (a, b) {
          return maps[a].size - maps[b].size;
        });
        var out = new Map();
        maps[order[0]].forEach(function (_, id) {
          for (var q = 1; q < order.length; q++) if (!maps[order[q]].has(id)) return;
          var found = [0, 0], first = -1;
          for (var side = 0; side < 2; side++) {
            var sets = maps.map(function (m) { return new Set(m.get(id)[side]); });
            maps[0].get(id)[side].forEach(function (p) {
              for (var j = 1; j < offsets.length; j++) if (!sets[j].has(p + offsets[j])) return;
              found[side]++;
              if (side === 1 && first < 0) first = p;
            });
          }
          if (found[0] || found[1]) out.set(id, { hits: found[1] + (found[0] ? 1 : 0), title: found[0] > 0, first: first });
        });
        return out;
      });
  }

  /* ---- facets ---- */
  function facetIds(kind, value) {
    var e = (F.facets[kind] || []).filter(function (f) { return String(f[0]) === String(value); })[0];
    if (!e) return Promise.resolve(new Set());
    return load("f/" + e[1]).then(function (bytes) {
      var v = decode(bytes), out = new Set(), id = -1;
      for (var i = 0; i < v.length; i++) { id += v[i] + 1; out.add(id); }
      return out;
    });
  }
  function filterSets(filters) {
    if (!(filters.year || filters.region || filters.topic || filters.source)) return Promise.resolve([]);
    return facetIndex().then(function () { return filterSetsOf(filters); });
  }
  function filterSetsOf(filters) {
    var jobs = [];
    if (filters.year) {
      var parts = filters.year.split("-"), lo = +parts[0], hi = +(parts[1] || parts[0]);
      var years = (F.facets.year || []).filter(function (f) { return +f[0] >= lo && +f[0] <= hi; });
      jobs.push(Promise.all(years.map(function (f) { return facetIds("year", f[0]); })).then(function (sets) {
        var u = new Set();
        sets.forEach(function (s) { s.forEach(function (x) { u.add(x); }); });
        return u;
      }));
    }
    ["region", "topic", "source"].forEach(function (k) { if (filters[k]) jobs.push(facetIds(k, filters[k])); });
    return Promise.all(jobs);
  }

  /* ---- the query ---- */
  function search(terms, filters) {
    return manifest().then(function () {
      return Promise.all([Promise.all(terms.map(termMatches)), filterSets(filters)]);
    }).then(function (res) {
      var maps = res[0].slice().sort(function (a, b) { return a.size - b.size; }), sets = res[1], hits = [];
      maps[0].forEach(function (m, id) {
        var total = m.hits, title = m.title, first = m.first;
        for (var k = 1; k < maps.length; k++) {
          var o = maps[k].get(id);
          if (!o) return;
          total += o.hits;
          title = title || o.title;
        }
        for (var s = 0; s < sets.length; s++) if (!sets[s].has(id)) return;
        hits.push({ id: id, hits: total, title: title, first: maps.length === 1 ? first : -1 });
      });
      hits.sort(function (a, b) { return (b.title - a.title) || (b.hits - a.hits) || (a.id - b.id); });
      return hits;
    });
  }

  /* ---- records: metadata and text ---- */
  /* A record: [url, type, title, source, date, text length, lag, text] (length: code points of the text as
   * shown; lag: see builder/search/index.py; text: the text itself, or for a long record where it starts
   * in the stream of long texts). Blocks hold consecutive records, as many as the manifest says. */
  function last(starts, id) {  /* the index of the last of ``starts`` (ascending) that is <= id */
    var lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= id) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  /* On a hub: the collection of record ``id``, its number there, its c/<k> and its index's folder. A row read
   * from a collection's index gets ``k``, the collection's number. */
  function where(id) {
    var k = last(OFFSETS, id);
    return load("c/" + k).then(function (info) {
      if (!info.starts) {
        var at = 0;
        info.starts = info.blocks.map(function (n) { var first = at; at += n; return first; });
      }
      INFO[k] = info;
      return { k: k, local: id - OFFSETS[k], info: info, dir: ROOT + HUB[k][0] + "/data/search/" };
    });
  }
  function mark(row, k) { if (row && HUB) row.k = k; return row; }
  function meta(id) {
    if (HUB) {
      return where(id).then(function (w) {
        var b = last(w.info.starts, w.local);
        return load("r/" + b, w.dir).then(function (rows) { return mark(rows[w.local - w.info.starts[b]], w.k); });
      });
    }
    var lo = last(BLOCKS, id);
    return load("r/" + lo).then(function (rows) { return rows[id - BLOCKS[lo]]; });
  }
  /* The same without the text: for listing long result lists. */
  function listRow(id) {
    if (HUB) {
      return where(id).then(function (w) {
        var per = w.info.listRecords;
        return load("m/" + Math.floor(w.local / per), w.dir).then(function (rows) { return mark(rows[w.local % per], w.k); });
      });
    }
    return load("m/" + Math.floor(id / M.listRecords)).then(function (rows) { return rows[id % M.listRecords]; });
  }
  /* what differs between a collection's own search and the hub's: where a row's page, chunks and source are */
  function rowUrl(row) { return HUB ? HUB[row.k][0] + "/" + row[0] : row[0]; }
  function chunkChars(row) { return HUB ? INFO[row.k].chunkChars : M.chunkChars; }
  function sourceName(row) {
    return HUB ? HUB[row.k][1] + " · " + (INFO[row.k].sources[row[3]] || "") : M.sources[row[3]] || "";
  }
  function inline(row) { return typeof row[7] === "string"; }
  function cpsOf(row) { return row.cps || (row.cps = Array.from(row[7])); }
  var chunks = {};
  function chunk(row, c) {
    var key = HUB ? row.k + ":" + c : c;
    return load("t/" + c, HUB ? ROOT + HUB[row.k][0] + "/data/search/" : undefined).then(function (s) {
      return chunks[key] || (chunks[key] = Array.from(s));
    });
  }
  /* Code points [from, to) of a record's text, as an array of code points. */
  function textRange(row, from, to) {
    from = Math.max(0, from);
    to = Math.min(row[5], to);
    if (to <= from) return Promise.resolve([]);
    if (inline(row)) return Promise.resolve(cpsOf(row).slice(from, to));
    var per = chunkChars(row), a = row[7] + from, b = row[7] + to, first = Math.floor(a / per), end = Math.floor((b - 1) / per);
    var jobs = [];
    for (var c = first; c <= end; c++) jobs.push(chunk(row, c));
    return Promise.all(jobs).then(function (parts) {
      var base = first * per;
      return [].concat.apply([], parts).slice(a - base, b - base);
    });
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  /* Every match of every term in cps (an array of code points), as [start, end, term] in code points:
   * found in the folded text, widened to the whole segments it came from. */
  function matchRanges(cps, terms) {
    var f = foldMapped(cps), ranges = [];
    terms.forEach(function (t, n) {
      var j = f.text.indexOf(t);
      while (j !== -1) {
        ranges.push([f.from[j], f.to[j + t.length - 1], n]);
        j = f.text.indexOf(t, j + t.length);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    return ranges;
  }
  /* cps[from, to) as HTML, the ranges marked (overlapping ones as one). */
  function highlight(cps, ranges, from, to) {
    var html = "", pos = from;
    ranges.forEach(function (r) {
      if (r[1] <= pos || r[0] >= to) return;
      var s = Math.max(r[0], pos), e = Math.min(r[1], to);
      html += escapeHtml(cps.slice(pos, s).join("")) + "<mark>" + escapeHtml(cps.slice(s, e).join("")) + "</mark>";
      pos = e;
    });
    return html + escapeHtml(cps.slice(pos, to).join(""));
  }
  /* The snippet around the first match in the text; loads only the chunks it needs. Its hits: per term, the
   * original text of its first match in the snippet (whitespace removed), for the highlight on the page. */
  function snippet(row, hit, terms) {
    var len = row[5], lag = row[6] || 0, step = 600;
    var longest = Math.max.apply(null, terms.map(function (t) { return t.length; }));
    var overlap = 40 + 4 * longest, wide = Math.max(2 * step, 2 * overlap);
    function attempt(from, to) {
      return textRange(row, from, to).then(function (cps) {
        var end = from + cps.length, ranges = matchRanges(cps, terms);
        if (!ranges.length && end < len && hit.hits > (hit.title ? 1 : 0)) {
          var next = Math.max(from + 1, end - overlap);
          return attempt(next, next + wide);
        }
        if (!ranges.length) {
          return { html: (from > 0 ? "…" : "") + escapeHtml(cps.slice(0, 120).join("")) + (from + 120 < len ? "…" : ""),
                   hits: [] };
        }
        /* a window that ends before the snippet does: read a wider one from the same place */
        return around(cps, from, ranges, end < len ? cps.length : Infinity) || attempt(from, end + wide);
      });
    }
    /* the snippet of cps (the text from ``from``) around its first match, if it ends before ``limit`` */
    function around(cps, from, ranges, limit) {
      var s = Math.max(0, ranges[0][0] - 40), e = Math.min(cps.length, Math.max(ranges[0][0] + 110, ranges[0][1]));
      while (s > 0 && ATTACH.test(cps[s])) s--;
      while (e < cps.length && ATTACH.test(cps[e])) e++;
      if (e >= limit) return null;
      var hits = [];
      ranges.forEach(function (r) {
        if (r[0] >= s && r[1] <= e && !hits[r[2]]) hits[r[2]] = cps.slice(r[0], r[1]).join("").replace(/\s+/g, "");
      });
      return { html: (from + s > 0 ? "…" : "") + highlight(cps, ranges, s, e) + (from + e < len ? "…" : ""), hits: hits };
    }
    /* a short record's text came with it; a long one's is read from where its first hit can be shown: a hit
     * at folded position p is shown at p - lag or later. A long record's opening (row[8]) came with it too:
     * a snippet that ends inside it needs no chunk of the stream. */
    if (inline(row)) return attempt(0, len);
    var start = hit.first > 0 ? Math.max(0, hit.first - lag - 60) : 0;
    if (row[8] && start < row[8].length) {
      var head = (row.head || (row.head = Array.from(row[8]))).slice(start), ranges = matchRanges(head, terms);
      if (!ranges.length && hit.hits <= (hit.title ? 1 : 0) && head.length >= 120) {  /* a hit in the title only */
        return Promise.resolve({ html: (start > 0 ? "…" : "") + escapeHtml(head.slice(0, 120).join("")) + "…", hits: [] });
      }
      var found = ranges.length ? around(head, start, ranges, head.length) : null;
      if (found) return Promise.resolve(found);
    }
    if (hit.first <= 0) return attempt(start, start + step);
    /* where the first hit is known, a window wide enough for its snippet (whitespace, removed by folding, may
     * put it further on): up to the end of the chunk it starts in, if that holds the least window */
    var least = start + lag + 200 + 2 * longest, chunkEnd = (Math.floor((row[7] + start) / chunkChars(row)) + 1) * chunkChars(row) - row[7];
    return attempt(start, Math.max(least, Math.min(start + lag + 400 + 2 * longest, chunkEnd)));
  }

  var TYPE_NAMES = { e: "大事", t: "条目", s: "章节" };
  function linkFor(url, h) {
    var hash = url.indexOf("#"), path = url.slice(0, hash);
    if (FILE_URLS && /\/$/.test(path)) path += "index.html";
    return ROOT + path + "?h=" + encodeURIComponent(h) + url.slice(hash);
  }
  function titleHtml(cps, terms) { return highlight(cps, matchRanges(cps, terms), 0, cps.length); }
  function resultItem(row, hit, terms) {
    var li = document.createElement("li");
    li.className = "fz-result";
    li.setAttribute("data-url", rowUrl(row));
    li.setAttribute("data-hits", String(hit.hits));
    var title = row[2], type = row[1];
    var head = (row[4] ? '<span class="fz-date">' + escapeHtml(row[4]) + "</span> " : "") +
      (title ? (type === "t" ? "【" : "§ ") + titleHtml(Array.from(title), terms) +
        (type === "t" ? "】" : "") : "");
    li.innerHTML = '<a class="fz-result-link" href="' + escapeHtml(linkFor(rowUrl(row), terms.join(" "))) + '">' +
      (head || TYPE_NAMES[type]) + "</a>" + '<div class="fz-snippet"></div>' +
      '<div class="fz-result-meta">' + TYPE_NAMES[type] + " · " + escapeHtml(sourceName(row)) +
      " · 命中 " + hit.hits + " 处</div>";
    return li;
  }
  function fillSnippet(li, row, hit, terms) {
    if (li.getAttribute("data-snippet")) return Promise.resolve();
    li.setAttribute("data-snippet", "loading");
    return snippet(row, hit, terms).then(function (sn) {
      li.querySelector(".fz-snippet").innerHTML = sn.html;
      li.setAttribute("data-snippet", "done");
      if (sn.hits.length) {
        li.querySelector("a").href = linkFor(rowUrl(row), terms.map(function (t, k) { return sn.hits[k] || t; }).join(" "));
      }
    });
  }

  function renderFacets(container, hits, params) {
    var labels = { year: "年份", region: "地区", topic: "主题", source: HUB ? "卷宗" : "文献" };
    var names = {
      year: function (k) { return k + "年"; },
      region: function (k) { return F.names.region[k] || k; },
      topic: function (k) { return F.names.topic[k] || k; },
      source: function (k) { return F.names.source[k] || k; }
    };
    var ids = new Set(hits.map(function (h) { return h.id; }));
    return facetIndex().then(function () {
      return Promise.all(Object.keys(labels).map(function (kind) {
        if (!(F.facets[kind] || []).length) return [];
        return load("fc/" + kind).then(function (bytes) {
          var at = 0;
          return F.facets[kind].map(function (f) {
            var len = 0, mul = 1, c;  /* each value's list after its length */
            do { c = bytes[at++]; len += (c & 127) * mul; mul *= 128; } while (c >= 128);
            var v = decode(bytes, at, at + len), id = -1, n = 0;
            at += len;
            for (var i = 0; i < v.length; i++) { id += v[i] + 1; if (ids.has(id)) n++; }
            return [kind, String(f[0]), n];
          });
        });
      }));
    }).then(function (perKind) {
      var counts = [].concat.apply([], perKind);
      var html = "";
      Object.keys(labels).forEach(function (kind) {
        var rows = counts.filter(function (c) { return c[0] === kind && (c[2] > 0 || params.get(kind) === c[1]); });
        rows.sort(function (a, b) { return kind === "year" ? a[1] - b[1] : (b[2] - a[2]) || (a[1] < b[1] ? -1 : 1); });
        if (!rows.length) return;
        html += '<div class="fz-facet" data-facet="' + kind + '"><span class="fz-facet-label">' + labels[kind] + "</span>";
        rows.slice(0, 40).forEach(function (c) {
          var p = new URLSearchParams(params), active = p.get(kind) === c[1];
          if (active) p.delete(kind); else p.set(kind, c[1]);
          html += '<a class="fz-facet-value' + (active ? " fz-active" : "") + '" data-value="' + escapeHtml(c[1]) +
            '" data-count="' + c[2] + '" href="?' + escapeHtml(p.toString()) + '">' + escapeHtml(names[kind](c[1])) +
            ' <span class="fz-count">' + c[2] + "</span></a>";
        });
        html += "</div>";
      });
      var y = params.get("year"), box = ' size="5" inputmode="numeric" style="width:4.5em;padding:0 .3em;' +
        'border:1px solid var(--md-default-fg-color--lighter);border-radius:.2em"';
      html += '<form class="fz-facet fz-year-range" data-facet="year-range"><span class="fz-facet-label">年份范围</span>' +
        '<input name="from" aria-label="起始年份"' + box + ' value="' + escapeHtml(y ? y.split("-")[0] : "") + '"> – ' +
        '<input name="to" aria-label="截止年份"' + box + ' value="' + escapeHtml(y ? (y.split("-")[1] || y) : "") + '"> ' +
        "<button type=\"submit\">筛选</button></form>";
      container.innerHTML = html;
      var form = container.querySelector(".fz-year-range");
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var p = new URLSearchParams(params), a = form.from.value.trim(), b = form.to.value.trim();
        if (a || b) p.set("year", (a || b) + (b && b !== a ? "-" + b : "")); else p.delete("year");
        window.location.search = "?" + p.toString();
      });
    });
  }

  /* ---- the page ---- */
  function searchPageUrl(q) {
    return ROOT + "search/" + (FILE_URLS ? "index.html" : "") + "?q=" + encodeURIComponent(q);
  }
  /* Results first: after the status line, a line of tools (sort, export), the facets behind one tap (open on
   * wide screens), the results; the help after them, folded. Returns the facets' container. */
  function layout(status, list, params) {
    var tools = document.createElement("div");
    tools.id = "fz-tools";
    tools.className = "fz-tools";
    tools.hidden = true;
    var panel = document.createElement("details");
    panel.className = "fz-facets-panel";
    panel.id = "fz-facets-panel";
    panel.innerHTML = '<summary>筛选：年份、地区、主题、文献</summary><div id="fz-facets" class="fz-facets"></div>';
    var filtered = ["year", "region", "topic", "source"].some(function (k) { return params.get(k); });
    panel.open = filtered || window.matchMedia("(min-width: 76.25em)").matches;
    list.parentNode.insertBefore(tools, list);
    list.parentNode.insertBefore(panel, list);
    var help = document.querySelector(".fz-search-help");
    if (help) {
      var fold = document.createElement("details");
      fold.className = "fz-search-help-panel";
      fold.innerHTML = "<summary>检索说明</summary>";
      list.parentNode.insertBefore(fold, list.nextSibling);
      fold.appendChild(help);
    }
    return panel.querySelector(".fz-facets");
  }
  var SORTS = { "": "相关度", date: "日期（早→晚）", "-date": "日期（晚→早）" };
  /* hits in the order asked for: relevance as found, or by date (records without one last, ties by relevance) */
  function sortHits(hits, sort) {
    if (sort !== "date" && sort !== "-date") return Promise.resolve(hits);
    return Promise.all(hits.map(function (h) { return listRow(h.id); })).then(function (rows) {
      var keyed = hits.map(function (h, k) { return { hit: h, date: rows[k][4] || "", rank: k }; });
      keyed.sort(function (a, b) {
        if (!a.date !== !b.date) return a.date ? -1 : 1;
        var d = a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
        return (sort === "date" ? d : -d) || a.rank - b.rank;
      });
      return keyed.map(function (x) { return x.hit; });
    });
  }
  /* Sort and export of the whole result list (every hit, in the order shown). */
  function tools(hits, q, params) {
    var box = document.getElementById("fz-tools");
    if (!box) return;
    var sort = params.get("sort") || "";
    var html = '<label>排序 <select id="fz-sort">';
    Object.keys(SORTS).forEach(function (k) {
      html += '<option value="' + k + '"' + (k === sort ? " selected" : "") + ">" + SORTS[k] + "</option>";
    });
    html += '</select></label> <span class="fz-export">导出全部结果 <button type="button" data-format="csv">CSV</button> ' +
      '<button type="button" data-format="json">JSON</button></span>';
    box.innerHTML = html;
    box.hidden = !hits.length;
    box.querySelector("#fz-sort").addEventListener("change", function (ev) {
      var p = new URLSearchParams(params);
      if (ev.target.value) p.set("sort", ev.target.value); else p.delete("sort");
      window.location.search = "?" + p.toString();
    });
    box.querySelectorAll("button[data-format]").forEach(function (button) {
      button.addEventListener("click", function () { exportHits(hits, q, button.getAttribute("data-format")); });
    });
  }
  var CSV_COLUMNS = ["序号", "类型", "标题", "日期", "文献", "命中", "链接"];
  function csvField(v) {
    var s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  /* a spreadsheet must not read a title as a formula */
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function exportHits(hits, q, format) {
    return Promise.all(hits.map(function (h) { return listRow(h.id); })).then(function (rows) {
      var records = rows.map(function (row, k) {
        var url = rowUrl(row), hash = url.indexOf("#"), path = url.slice(0, hash);
        if (FILE_URLS && /\/$/.test(path)) path += "index.html";
        return { "序号": k + 1, "类型": TYPE_NAMES[row[1]], "标题": row[2], "日期": row[4] || "",
                 "文献": sourceName(row), "命中": hits[k].hits,
                 "链接": new URL(ROOT + path + url.slice(hash), window.location.href).href };
      });
      var text = format === "json" ? JSON.stringify({ query: q, total: hits.length, results: records }, null, 1)
        : "\ufeff" + [CSV_COLUMNS.join(",")].concat(records.map(function (r) {
          return CSV_COLUMNS.map(function (c) { return csvField(r[c]); }).join(",");
        })).join("\r\n") + "\r\n";
      var a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([text], { type: format === "json" ? "application/json" : "text/csv" }));
      a.download = "方志检索-" + q.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 40) + "." + format;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    });
  }

  function run(params) {
    var q = params.get("q") || "";
    var input = document.getElementById("fz-q");
    var status = document.getElementById("fz-search-status");
    var list = document.getElementById("fz-results");
    if (!input || !status || !list) return;
    input.value = q;
    var form = input.form;
    if (form) form.addEventListener("submit", function (ev) {  /* on file:// the form's "./" is a folder listing */
      ev.preventDefault();
      if (input.value.trim()) window.location.href = searchPageUrl(input.value.trim());
    });
    var facets = layout(status, list, params);
    manifest().then(function () {
      if (HUB) document.querySelector("#fz-facets-panel summary").textContent = "筛选：年份、地区、主题、卷宗";
      var terms = parseQuery(q);
      if (!terms.length) {
        status.setAttribute("data-total", "0");
        status.textContent = "请输入检索词。";
        list.setAttribute("data-files", String(window.FZS.loaded.length));
        list.setAttribute("data-ready", "0");
        list.setAttribute("data-complete", "true");
        return;
      }
      var filters = { year: params.get("year"), region: params.get("region"), topic: params.get("topic"),
                      source: params.get("source") };
      status.textContent = "检索中…";
      return search(terms, filters).then(function (hits) {
        return sortHits(hits, params.get("sort")).then(function (sorted) {
          tools(sorted, q, params);
          show(sorted, terms, filters, q, status, list, facets, params);
        });
      });
    }).catch(function (err) {
      status.textContent = String(err && err.message || err);
    });
  }

  function show(hits, terms, filters, q, status, list, facets, params) {
    var t0 = performance.now();
    /* Snippets of later results load as they scroll into view. Only the results
     * around the one in the middle of the screen are observed: observing every one
     * of tens of thousands of results keeps the page busy long after it is shown. */
    var shown = 0, observer = null, ticking = false;
    function observeAround(rank) {
      for (var k = Math.max(FIRST, rank - 30), end = Math.min(shown, rank + 60); k < end; k++) {
        var li = list.children[k];
        if (li.hasAttribute("data-snippet") || li.hasAttribute("data-observed")) continue;
        li.setAttribute("data-observed", "");
        observer.observe(li);
      }
    }
    if ("IntersectionObserver" in window) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (!e.isIntersecting) return;
          observer.unobserve(e.target);
          var h = hits[+e.target.getAttribute("data-rank")];
          meta(h.id).then(function (row) { fillSnippet(e.target, row, h, terms); });
        });
      }, { rootMargin: "400px" });
      window.addEventListener("scroll", function () {
        if (ticking) return;
        ticking = true;
        requestAnimationFrame(function () {
          ticking = false;
          var el = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2);
          var li = el && el.closest ? el.closest(".fz-result") : null;
          if (li && li.parentNode === list) observeAround(+li.getAttribute("data-rank"));
        });
      }, { passive: true });
    }
    function batch(n, withSnippets) {
      var slice = hits.slice(shown, shown + n);
      return Promise.all(slice.map(function (h) { return (withSnippets ? meta : listRow)(h.id); })).then(function (rows) {
        var items = rows.map(function (row, k) {
          var li = resultItem(row, slice[k], terms);
          li.setAttribute("data-rank", String(shown + k));
          return li;
        });
        var jobs = withSnippets ? items.map(function (li, k) { return fillSnippet(li, rows[k], slice[k], terms); }) : [];
        return Promise.all(jobs).then(function () {
          var frag = document.createDocumentFragment();
          items.forEach(function (li) { frag.appendChild(li); });
          list.appendChild(frag);
          var firstOfRest = shown === FIRST;
          shown += slice.length;
          if (observer && firstOfRest) observeAround(FIRST);
        });
      });
    }
    list.innerHTML = "";
    batch(FIRST, true).then(function () {
      status.setAttribute("data-total", String(hits.length));
      status.textContent = "“" + q + "”：共 " + hits.length + " 条结果" +
        (filters.year || filters.region || filters.topic || filters.source ? "（已筛选）" : "");
      list.setAttribute("data-files", String(window.FZS.loaded.length));
      list.setAttribute("data-at", String(Math.round(performance.now())));
      list.setAttribute("data-ready", String(Math.round(performance.now() - t0)));
      var facetsDone = renderFacets(facets, hits, params);
      function rest() {
        if (shown >= hits.length) {
          return facetsDone.then(function () { list.setAttribute("data-complete", "true"); });
        }
        return batch(BATCH, false).then(rest);
      }
      return rest();
    }).catch(function (err) { status.textContent = String(err && err.message || err); });
  }

  /* ---- the header box on every page: answers as you type, Enter opens the full result page ---- */
  function headerBox() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner || document.getElementById("fz-header-q")) return;
    var form = document.createElement("form");
    form.className = "fz-header-search";
    form.setAttribute("role", "search");
    form.innerHTML = '<input type="search" id="fz-header-q" name="q" placeholder="全文检索" aria-label="全文检索" ' +
      'autocomplete="off" enterkeyhint="search"><div class="fz-header-results" id="fz-header-results" hidden></div>';
    var source = inner.querySelector(".md-header__source");
    inner.insertBefore(form, source);
    var input = form.querySelector("input"), box = form.querySelector(".fz-header-results"), seq = 0, timer = 0;
    function close() { box.hidden = true; }
    function answer() {
      var q = input.value.trim(), my = ++seq;
      if (!q) { close(); box.innerHTML = ""; return; }
      manifest().then(function () {
        var terms = parseQuery(q);
        if (!terms.length) return close();
        return search(terms, {}).then(function (hits) {
          var first = hits.slice(0, HEADER_FIRST);
          return Promise.all(first.map(function (h) { return meta(h.id); })).then(function (rows) {
            var items = rows.map(function (row, k) { return resultItem(row, first[k], terms); });
            return Promise.all(items.map(function (li, k) { return fillSnippet(li, rows[k], first[k], terms); }))
              .then(function () {
                if (my !== seq) return;  /* typed on since */
                var ol = document.createElement("ol");
                ol.className = "fz-results";
                items.forEach(function (li) { ol.appendChild(li); });
                box.innerHTML = '<div class="fz-header-status" data-total="' + hits.length + '">' +
                  (hits.length ? "共 " + hits.length + " 条结果" : "没有找到“" + escapeHtml(q) + "”") + "</div>";
                box.appendChild(ol);
                if (hits.length > first.length) {
                  box.insertAdjacentHTML("beforeend", '<a class="fz-header-all" href="' +
                    escapeHtml(searchPageUrl(q)) + '">查看全部 ' + hits.length + " 条结果 →</a>");
                }
                box.setAttribute("data-q", q);
                box.hidden = false;
              });
          });
        });
      }).catch(function (err) {
        box.textContent = String(err && err.message || err);
        box.hidden = false;
      });
    }
    input.addEventListener("input", function (ev) {
      if (ev.isComposing) return;  /* an input method is still composing: answer when it is done */
      clearTimeout(timer);
      timer = setTimeout(answer, 150);
    });
    input.addEventListener("compositionend", function () { clearTimeout(timer); timer = setTimeout(answer, 0); });
    input.addEventListener("focus", function () { if (box.childNodes.length) box.hidden = false; });
    input.addEventListener("keydown", function (ev) { if (ev.key === "Escape") close(); });
    document.addEventListener("click", function (ev) { if (!form.contains(ev.target)) close(); });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = input.value.trim();
      if (q) window.location.href = searchPageUrl(q);
    });
  }

  /* For tests and tools: every result of a query, as URLs in rank order. */
  window.FangzhiSearch = {
    query: function (q, filters) {
      return manifest().then(function () {
        var terms = parseQuery(q);
        if (!terms.length) return [];
        return search(terms, filters || {}).then(function (hits) {
          return Promise.all(hits.map(function (h) { return listRow(h.id); })).then(function (rows) {
            return rows.map(function (r, k) { return { url: rowUrl(r), hits: hits[k].hits, title: hits[k].title }; });
          });
        });
      });
    },
    /* the first n results of q (20 if not given) with their snippets, and the exact total: what the search
     * page shows first (the bench times it) */
    first: function (q, n) {
      return manifest().then(function () {
        var terms = parseQuery(q);
        if (!terms.length) return { total: 0, results: [] };
        return search(terms, {}).then(function (hits) {
          var first = hits.slice(0, n || FIRST);
          return Promise.all(first.map(function (h) { return meta(h.id); })).then(function (rows) {
            return Promise.all(rows.map(function (row, k) { return snippet(row, first[k], terms); }))
              .then(function (snippets) {
                return { total: hits.length, results: rows.map(function (row, k) {
                  return { url: rowUrl(row), title: row[2], snippet: snippets[k].html };
                }) };
              });
          });
        });
      });
    },
    fold: function (s) { return manifest().then(function () { return fold(s); }); }
  };

  headerBox();
  if (document.getElementById("fz-results")) run(new URLSearchParams(window.location.search));
})();
