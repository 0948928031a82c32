/* ojexcel site: search (index page) and sortable tables. Every page works without this script:
   the index lists every unit and indicator, and tables are printed in a stated order. */
(function () {
  "use strict";
  /* The same folding as the index builder (ojexcel/names.py normalise): no case, no
     diacritics, dashes as spaces, runs of spaces as one. */
  function fold(s) {
    return s.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[-\u2010-\u2015_]/g, " ")
      .split(/\s+/).filter(Boolean).join(" ").toLowerCase();
  }
  window.ojFold = fold;

  /* Rank of an entry for a query: 0 its name as typed (any case), 1 its name folded, 2 it starts
     with the query, 3 a word starts with it, 4 every word of the query occurs; -1 no match. */
  function rank(name, text, typed, q, words) {
    if (name.toLowerCase() === typed) return 0;
    if (text === q) return 1;
    if (text.indexOf(q) === 0) return 2;
    if (text.indexOf(" " + q) >= 0) return 3;
    for (var i = 0; i < words.length; i++) if (text.indexOf(words[i]) < 0) return -1;
    return 4;
  }

  function search(index, query) {
    var typed = query.trim().toLowerCase(), q = fold(query), words = q.split(" "), found = [];
    if (!q) return found;
    function add(list, kind, page, extra, code) {
      for (var n = 0; n < list.length; n++) {
        var e = list[n], r = rank(e[1], e[2], typed, q, words);
        if (r < 0 && code && fold(e[0]).indexOf(q) === 0) r = 2;
        if (r >= 0) found.push({r: r, k: kind, n: n, href: page(e), title: e[1], extra: extra(e)});
      }
    }
    add(index.e, 0, function (e) { return "enhet/" + e[0] + ".html"; }, function (e) { return e[3]; }, true);
    add(index.i, 1, function (e) { return "indikator/" + e[0] + ".html"; }, function () { return "Indikator"; });
    add(index.g, 2, function (e) { return e[0]; }, function (e) { return e[3]; });
    found.sort(function (a, b) { return a.r - b.r || a.k - b.k || a.n - b.n; });
    return found;
  }
  window.ojSearch = search;

  function setUpSearch() {
    var form = document.getElementById("sok"), index = window.OJSOK;
    if (!form || !index) return;
    var input = document.getElementById("sok-text"), list = document.getElementById("sok-traffar"),
        status = document.getElementById("sok-status");
    form.hidden = false;
    function show() {
      var hits = search(index, input.value);
      while (list.firstChild) list.removeChild(list.firstChild);
      hits.slice(0, 60).forEach(function (h) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = h.href;
        a.textContent = h.title;
        li.appendChild(a);
        if (h.extra) li.appendChild(document.createTextNode(" – " + h.extra));
        list.appendChild(li);
      });
      status.textContent = input.value.trim() === "" ? "" :
        hits.length === 0 ? "Inga träffar." :
        (hits.length === 1 ? "1 träff" : hits.length + " träffar") + (hits.length > 60 ? ", de 60 första visas." : ".");
    }
    input.addEventListener("input", show);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    var m = /[?&]q=([^&]*)/.exec(location.search);
    if (m) { input.value = decodeURIComponent(m[1].replace(/\+/g, " ")); show(); }
  }

  /* Unit values sort in the catalogue's order of merit; then numbers; then Swedish collation. */
  var ORDER = {"Ja": 0, "Delvis": 1, "Nej": 2, "Ej aktuellt": 3, "..": 4, "x": 5, "\u2013": 6};
  var collator = window.Intl ? new Intl.Collator("sv") : null;

  function key(cell) {
    var t = (cell.getAttribute("data-sort") || cell.textContent).trim();
    if (t in ORDER) return [0, ORDER[t]];
    var n = t.replace(/\s|%/g, "").replace(",", ".");
    if (n !== "" && !isNaN(n)) return [1, parseFloat(n)];
    return [2, t];
  }

  function compare(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    if (a[0] < 2) return a[1] - b[1];
    return collator ? collator.compare(a[1], b[1]) : (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  }

  function setUpSort(table) {
    var head = table.tHead.rows[table.tHead.rows.length - 1], body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r.ojIndex = i; });
    Array.prototype.forEach.call(head.cells, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.cells, function (c) { c.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = rows.map(function (r) { return [key(r.cells[col]), r]; });
        keyed.sort(function (x, y) {
          var c = compare(x[0], y[0]);
          return (ascending ? c : -c) || x[1].ojIndex - y[1].ojIndex;
        });
        keyed.forEach(function (k) { body.appendChild(k[1]); });
      });
    });
    var section = table.closest("section"), note = section && section.querySelector(".sorteringshjalp");
    if (note) note.hidden = false;
  }

  setUpSearch();
  Array.prototype.forEach.call(document.querySelectorAll("table.sorterbar"), setUpSort);
})();
