/* 方志 citations on the reading pages (builder/enrich/citation.py, builder/render/cite.py).
 * When a reader opens a record's 引用, this adds
 * - 复制引文: copies the GB/T 7714—2025 reference with today's date as the access date,
 *   "[YYYY-MM-DD]" right before the address, as the standard places it for a network resource;
 * - 导出 RIS / BibTeX / CSL-JSON: saves the record's entry, written at build time by rispy,
 *   bibtexparser and json into data/cite/<page>.js (loaded on first use, from http and file://),
 *   with the access date put in (RIS Y2, BibTeX urldate, CSL-JSON accessed).
 */
(function () {
  "use strict";
  var ACCESSED = "\u0001";  /* the access date's place in the exported text */

  function today() {
    var d = new Date();
    return [d.getFullYear(), String(d.getMonth() + 1).padStart(2, "0"), String(d.getDate()).padStart(2, "0")];
  }

  /* The reference as shown ("… . URL.") with the access date before the address. */
  function withAccessDate(text, day) {
    var m = /^([\s\S]*?)\. (\S+)\.$/.exec(text);
    if (m) return m[1] + "[" + day + "]. " + m[2] + ".";
    return text.replace(/\.$/, "") + "[" + day + "].";
  }

  function say(box, message) {
    var status = box.querySelector(".fz-cite-status");
    if (status) status.textContent = message;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    if (!ok) throw new Error("copy refused");
  }

  var loading = {};
  function exportsOf(box) {
    var page = box.getAttribute("data-page"), src = box.getAttribute("data-cite");
    var have = window.FangzhiCite && window.FangzhiCite[page];
    if (have) return Promise.resolve(have);
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = function () { resolve(window.FangzhiCite && window.FangzhiCite[page]); };
        s.onerror = function () { delete loading[src]; reject(new Error(src)); };
        document.head.appendChild(s);
      });
    }
    return loading[src];
  }

  var FORMATS = {
    ris: { ext: ".ris", type: "application/x-research-info-systems" },
    bib: { ext: ".bib", type: "application/x-bibtex" },
    csl: { ext: ".json", type: "application/vnd.citationstyles.csl+json" }
  };

  function save(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function exportRecord(box, format) {
    var id = box.getAttribute("data-id"), day = today();
    exportsOf(box).then(function (all) {
      var entry = all && all[id];
      if (!entry) throw new Error(id);
      var text;
      if (format === "csl") {
        var item = JSON.parse(JSON.stringify(entry.csl));
        item.accessed = { "date-parts": [[+day[0], +day[1], +day[2]]] };
        text = JSON.stringify([item], null, 2) + "\n";
      } else {
        text = entry[format].split(ACCESSED).join(format === "ris" ? day.join("/") : day.join("-"));
      }
      save(id + FORMATS[format].ext, FORMATS[format].type, text);
      say(box, "已导出 " + id + FORMATS[format].ext);
    }).catch(function () { say(box, "导出失败：未能读取引文数据。"); });
  }

  function button(label, action, format) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button fz-cite-" + action;
    b.textContent = label;
    if (format) b.setAttribute("data-format", format);
    return b;
  }

  function addActions(box) {
    if (box.querySelector(".fz-cite-actions")) return;
    var bar = document.createElement("p");
    bar.className = "fz-cite-actions";
    bar.appendChild(button("复制引文（附引用日期）", "copy"));
    bar.appendChild(document.createTextNode(" 导出："));
    bar.appendChild(button("RIS", "export", "ris"));
    bar.appendChild(button("BibTeX", "export", "bib"));
    bar.appendChild(button("CSL-JSON", "export", "csl"));
    var status = document.createElement("span");
    status.className = "fz-cite-status";
    status.setAttribute("role", "status");
    bar.appendChild(status);
    box.appendChild(bar);
  }

  document.addEventListener("toggle", function (ev) {
    var box = ev.target;
    if (box && box.classList && box.classList.contains("fz-cite") && box.open) addActions(box);
  }, true);

  document.addEventListener("click", function (ev) {
    var b = ev.target && ev.target.closest && ev.target.closest(".fz-cite-actions button");
    if (!b) return;
    var box = b.closest(".fz-cite");
    if (b.classList.contains("fz-cite-copy")) {
      var text = withAccessDate(box.querySelector(".fz-citation").textContent.trim(), today().join("-"));
      copyText(text).then(function () { say(box, "已复制：" + text); },
                          function () { say(box, "无法访问剪贴板，请手动复制：" + text); });
    } else {
      exportRecord(box, b.getAttribute("data-format"));
    }
  });
})();
