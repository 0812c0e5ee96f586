// Permanent links: when the URL's #anchor names a record that is no longer on
// this page (window.FZ_RETIRED, generated into data/permalinks.js), show a
// notice with the record's new place, or a search for it — never a silent miss.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script ? script.src.replace(/assets\/javascripts\/fangzhi-permalinks\.js.*$/, "") : "";
  var offline = location.protocol === "file:";

  function href(url) {
    // record URLs are "folder/#anchor"; from disk a folder must be "folder/index.html"
    if (offline) url = url.replace(/\/(#|\?|$)/, "/index.html$1");
    return root + url;
  }

  function notice() {
    var old = document.querySelector(".fz-retired");
    if (old) old.remove();
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id || document.getElementById(id)) return;
    var retired = window.FZ_RETIRED || {};
    if (!Object.prototype.hasOwnProperty.call(retired, id)) return;
    var item = retired[id];
    var box = document.createElement("div");
    box.className = "admonition warning fz-retired";
    box.setAttribute("data-retired", id);
    var title = document.createElement("p");
    title.className = "admonition-title";
    title.textContent = item.to ? "此条记录已移动" : "此条记录已删除或改写";
    box.appendChild(title);
    var p = document.createElement("p");
    p.appendChild(document.createTextNode("链接所指的记录（" + id + (item.label ? "：" + item.label : "") + "）"));
    var a = document.createElement("a");
    if (item.to) {
      p.appendChild(document.createTextNode("在修订后有了新的位置："));
      a.href = href(item.to);
      a.textContent = "前往新位置";
    } else {
      p.appendChild(document.createTextNode("在修订后已不在本站。"));
      a.href = href("search/") + "?q=" + encodeURIComponent((item.label || "").split(" ").pop());
      a.textContent = "检索相关记录";
    }
    p.appendChild(a);
    box.appendChild(p);
    var content = document.querySelector("article") || document.body;
    content.insertBefore(box, content.firstChild);
  }

  window.addEventListener("hashchange", notice);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", notice);
  else notice();
})();
