/* The site's own search (sousuo/index.html).
 *
 * The index (search/index.js, written at build time from the finished pages) is loaded with a
 * <script> element only when a search starts: that works over http and from a copy opened as
 * files (file://), where fetch() and workers do not. A query is split into words with the
 * site's word list (月嫂培训班 -> 月嫂 + 培训班; a run of characters the list does not know
 * stays whole), stop words are dropped, synonyms are added, and every word is looked for as a
 * whole string in the page text, so 15万 finds 15万元 and 望奎 finds 望奎县. Pages are ranked
 * by where the words are (title, heading, text), how rare they are, how many of the query's
 * words a page has, and the weight of its part of the site (content/data/search.yml).
 * Everything shown is built with textContent: page text never becomes markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("..", script ? script.src : location.href); // assets/search.js -> site root
  var PAGE_SIZE = 20;
  var SPLIT = /[\s,.;:!?，。；：！？、（）()《》〈〉“”"'‘’【】\[\]{}<>·…—\-_+=\/\\|~`@#$^&*]+/;
  var NUMBER = /^[0-9]+(?:\.[0-9]+)?(?:万元|万|千元|元|个月|岁|年|天|%)?/;
  var LATIN = /^[a-z]+/;

  var state = { index: null, loading: false, waiting: [], failed: false, shown: PAGE_SIZE };

  function norm(text) {
    return (text || "").normalize("NFKC").toLowerCase();
  }

  function prepare(data) {
    var docs = data.docs.map(function (d) {
      var length = 0;
      var sections = d.s.map(function (s) {
        var x = s[2] || "";
        var xn = norm(x);
        length += xn.length + s[1].length;
        return { a: s[0], h: s[1], hn: norm(s[1]), x: xn.length === x.length ? x : xn, xn: xn };
      });
      return { u: d.u, t: d.t, tn: norm(d.t), b: d.b || 1, s: sections, len: Math.max(length, 1) };
    });
    var total = docs.reduce(function (n, d) { return n + d.len; }, 0);
    var words = new Set(data.words);
    var longest = 1;
    data.words.forEach(function (w) { if (w.length > longest) longest = w.length; });
    var synonyms = new Map();
    data.synonyms.forEach(function (group) {
      group.forEach(function (w) {
        words.add(w);
        if (w.length > longest) longest = w.length;
        synonyms.set(w, group);
      });
    });
    return {
      docs: docs,
      avg: total / Math.max(docs.length, 1),
      words: words,
      longest: longest,
      synonyms: synonyms,
      stop: new Set(data.stop),
    };
  }

  /* Split one chunk (no spaces or punctuation) into the fewest known words covering the most
   * characters; numbers with their unit and Latin letters stay whole, unknown runs stay whole. */
  function segment(chunk, ix) {
    var n = chunk.length;
    var best = new Array(n + 1);
    best[0] = { cover: 0, pieces: 0, prev: -1, known: false };
    function relax(from, to, known) {
      var b = best[from];
      var c = { cover: b.cover + (known ? to - from : 0), pieces: b.pieces + 1, prev: from, known: known };
      var o = best[to];
      if (!o || c.cover > o.cover || (c.cover === o.cover && c.pieces < o.pieces)) best[to] = c;
    }
    for (var i = 0; i < n; i++) {
      if (!best[i]) continue;
      relax(i, i + 1, false);
      var rest = chunk.slice(i);
      var atom = NUMBER.exec(rest) || LATIN.exec(rest);
      if (atom) relax(i, i + atom[0].length, true);
      for (var len = Math.min(ix.longest, n - i); len >= 2; len--) {
        if (ix.words.has(chunk.substr(i, len))) relax(i, i + len, true);
      }
    }
    var pieces = [];
    for (var at = n; at > 0; at = best[at].prev) {
      pieces.unshift({ text: chunk.slice(best[at].prev, at), known: best[at].known });
    }
    var merged = [];
    pieces.forEach(function (p) {
      var last = merged[merged.length - 1];
      if (!p.known && last && !last.known) last.text += p.text;
      else merged.push({ text: p.text, known: p.known });
    });
    return merged.map(function (p) { return p.text; });
  }

  function parse(query, ix) {
    var chunks = norm(query).split(SPLIT).filter(Boolean);
    var all = [];
    var phrases = [];
    chunks.forEach(function (chunk) {
      var pieces = segment(chunk, ix);
      if (pieces.length > 1) phrases.push(chunk);
      all = all.concat(pieces);
    });
    var kept = all.filter(function (t) { return !ix.stop.has(t); });
    var terms = [];
    (kept.length ? kept : all).forEach(function (t) { if (terms.indexOf(t) < 0) terms.push(t); });
    return { terms: terms, phrases: phrases };
  }

  function isDigit(ch) {
    return ch >= "0" && ch <= "9";
  }

  /* Occurrences of needle in hay; a number never matches inside a longer number. */
  function count(hay, needle) {
    var n = 0;
    var numeric = isDigit(needle[0]);
    var endsDigit = isDigit(needle[needle.length - 1]);
    for (var i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) {
      if (numeric && i > 0 && isDigit(hay[i - 1])) continue;
      if (endsDigit && isDigit(hay[i + needle.length] || "")) continue;
      n++;
    }
    return n;
  }

  function variants(term, ix) {
    return ix.synonyms.get(term) || [term];
  }

  /* Field weights: a word in the title counts most, then in a heading, then in the text. */
  var W_TITLE = 6, W_HEAD = 2.5, K1 = 1.2, B = 0.5;

  function weigh(doc, vs) {
    var title = 0, sections = new Array(doc.s.length), total = 0;
    vs.forEach(function (v) { title += count(doc.tn, v); });
    doc.s.forEach(function (s, i) {
      var w = 0;
      vs.forEach(function (v) { w += W_HEAD * count(s.hn, v) + count(s.xn, v); });
      sections[i] = w;
      total += w;
    });
    return { title: title, sections: sections, total: W_TITLE * title + total };
  }

  function search(query, ix) {
    var q = parse(query, ix);
    var n = ix.docs.length;
    var perTerm = q.terms.map(function (term) {
      var vs = variants(term, ix);
      var weights = ix.docs.map(function (d) { return weigh(d, vs); });
      var df = weights.filter(function (w) { return w.total > 0; }).length;
      return { term: term, vs: vs, weights: weights, df: df,
               idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)) };
    });
    var found = perTerm.filter(function (t) { return t.df > 0; });
    var results = [];
    ix.docs.forEach(function (doc, di) {
      var score = 0, matched = 0, sectionScore = new Array(doc.s.length).fill(0);
      found.forEach(function (t) {
        var w = t.weights[di];
        if (!w.total) return;
        matched++;
        var norm = 1 - B + B * doc.len / ix.avg;
        score += t.idf * (w.total * (K1 + 1)) / (w.total + K1 * norm);
        if (w.title) score += t.idf * 3 * Math.min(1, t.term.length / doc.tn.length);
        w.sections.forEach(function (s, i) { sectionScore[i] += s * t.idf; });
      });
      if (!matched) return;
      q.phrases.forEach(function (p) {
        var hit = count(doc.tn, p) + doc.s.reduce(function (m, s) { return m + count(s.hn, p) + count(s.xn, p); }, 0);
        if (hit) score += 2;
      });
      var coverage = matched / found.length;
      var best = 0;
      sectionScore.forEach(function (s, i) { if (s > sectionScore[best]) best = i; });
      results.push({ doc: doc, score: score * coverage * coverage * doc.b, section: doc.s[best] });
    });
    results.sort(function (a, b) { return b.score - a.score || a.doc.u.localeCompare(b.doc.u); });
    return {
      results: results,
      terms: q.terms,
      missing: perTerm.filter(function (t) { return t.df === 0; }).map(function (t) { return t.term; }),
      // rarest words first: the snippet is cut around the first of them the section has
      needles: found.slice().sort(function (a, b) { return b.idf - a.idf; })
        .reduce(function (all, t) { return all.concat(t.vs); }, []),
    };
  }

  /* A short piece of the section's text around the first word found, words marked. */
  function snippet(section, needles) {
    var text = section.x, low = section.xn, first = -1;
    needles.some(function (v) {
      first = low.indexOf(v);
      return first >= 0;
    });
    var start = Math.max(0, first < 0 ? 0 : first - 24);
    var end = Math.min(text.length, start + 90);
    var p = document.createElement("p");
    p.className = "search-snippet";
    if (start > 0) p.appendChild(document.createTextNode("…"));
    var piece = text.slice(start, end), lowPiece = low.slice(start, end), at = 0;
    while (at < piece.length) {
      var next = -1, len = 0;
      needles.forEach(function (v) {
        var i = lowPiece.indexOf(v, at);
        if (i >= 0 && (next < 0 || i < next || (i === next && v.length > len))) { next = i; len = v.length; }
      });
      if (next < 0) { p.appendChild(document.createTextNode(piece.slice(at))); break; }
      if (next > at) p.appendChild(document.createTextNode(piece.slice(at, next)));
      var mark = document.createElement("mark");
      mark.textContent = piece.slice(next, next + len);
      p.appendChild(mark);
      at = next + len;
    }
    if (end < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function render(ui, query, outcome) {
    var list = ui.list, status = ui.status;
    list.textContent = "";
    list.dataset.query = query; // which query the list shows (the box may have changed since)
    var results = outcome.results;
    if (!results.length) {
      status.textContent = "没有找到和“" + query + "”有关的页面。请换个说法试试，比如“月嫂”“贷款”“技工学校”或您所在的县名，也可以从下面的栏目里找。";
      return;
    }
    var head = "找到 " + results.length + " 个页面";
    if (outcome.missing.length) head += "（没有找到：" + outcome.missing.join("、") + "）";
    status.textContent = head + "。";
    results.slice(0, state.shown).forEach(function (r) {
      var li = el("li", "search-result");
      var a = el("a", null, r.doc.t);
      var url = new URL(r.doc.u, ROOT);
      if (r.section && r.section.a) url.hash = r.section.a;
      a.href = url.href;
      var h = el("h2", "search-result__title");
      h.appendChild(a);
      li.appendChild(h);
      if (r.section && r.section.h) li.appendChild(el("p", "search-result__section", r.section.h));
      if (r.section) li.appendChild(snippet(r.section, outcome.needles));
      list.appendChild(li);
    });
    if (results.length > state.shown) {
      var more = el("button", "search-more", "显示更多（还有 " + (results.length - state.shown) + " 个）");
      more.type = "button";
      more.addEventListener("click", function () {
        state.shown += PAGE_SIZE;
        render(ui, query, outcome);
      });
      var li = el("li", "search-result search-result--more");
      li.appendChild(more);
      list.appendChild(li);
    }
  }

  function loadIndex(ui, then) {
    if (state.index) return then();
    state.waiting.push(then);
    if (state.loading) return;
    state.loading = true;
    ui.status.textContent = "正在载入搜索……";
    window.__siteSearchIndex = function (data) {
      state.index = prepare(data);
      var waiting = state.waiting;
      state.waiting = [];
      waiting.forEach(function (f) { f(); });
    };
    var tag = document.createElement("script");
    tag.src = new URL("search/index.js", ROOT).href;
    tag.onerror = function () {
      state.failed = true;
      ui.status.textContent = "搜索没有载入成功：请刷新页面再试，或从下面的栏目里找。";
    };
    document.head.appendChild(tag);
  }

  function run(ui, push) {
    var query = ui.input.value.trim();
    if (!query) {
      ui.list.textContent = "";
      ui.status.textContent = "请输入要找的词，比如“月嫂”“贷款”“技工学校”。";
      return;
    }
    if (push) {
      try {
        history.replaceState(null, "", "?q=" + encodeURIComponent(query));
      } catch (e) { /* some browsers refuse this for file:// pages; the search still works */ }
    }
    loadIndex(ui, function () {
      if (ui.input.value.trim() !== query) return; // the box changed while the index loaded
      state.shown = PAGE_SIZE;
      render(ui, query, search(query, state.index));
    });
  }

  function start() {
    var form = document.getElementById("search-form");
    if (!form) return;
    var ui = {
      input: document.getElementById("search-q"),
      status: document.getElementById("search-status"),
      list: document.getElementById("search-results"),
    };
    document.documentElement.classList.add("search-ready");
    var timer = null, composing = false;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      run(ui, true);
    });
    ui.input.addEventListener("compositionstart", function () { composing = true; });
    ui.input.addEventListener("compositionend", function () { composing = false; run(ui, true); });
    ui.input.addEventListener("input", function () {
      if (composing) return; // wait until the input method has put the characters in
      clearTimeout(timer);
      timer = setTimeout(function () { run(ui, true); }, 200);
    });
    var q = new URLSearchParams(location.search).get("q");
    if (q) {
      ui.input.value = q;
      var header = document.getElementById("site-search-q");
      if (header) header.value = q; // the header's box shows what was asked, too
      run(ui, false);
    } else if (q === "") {
      ui.input.focus(); // came from the header's magnifier (phones) without words: type here
    }
  }

  window.siteSearch = { parse: function (q) { return state.index && parse(q, state.index); } };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
