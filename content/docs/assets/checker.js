/* 我能享受哪些政策: matches the answers against each policy's `applies_when` conditions.
   The data (policies, amounts, questions) is generated from content/data at each site build and
   embedded in the page as JSON, so this works without a server. Nothing leaves the browser. */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function answers(form, questions) {
    var out = {};
    questions.forEach(function (q) {
      var box = document.getElementById("q-" + q.key);
      if (box && box.hidden) return;
      if (q.kind === "yesno") {
        var picked = form.querySelector('input[name="' + q.key + '"]:checked');
        if (picked) out[q.condition] = picked.value === "yes";
      } else {
        var input = form.querySelector('input[name="' + q.key + '"]');
        var n = input && input.value !== "" ? Number(input.value) : NaN;
        if (!isNaN(n) && n >= 0) out[q.condition] = Math.floor(n);
      }
    });
    return out;
  }

  /* "yes": every condition met; "later": only a months condition is short (wait and apply);
     "no": anything else, including unanswered questions. */
  function match(policy, given) {
    var wait = 0;
    var result = "yes";
    Object.keys(policy.applies_when).forEach(function (cond) {
      if (result === "no") return;
      var want = policy.applies_when[cond];
      var has = given[cond];
      if (/_min$/.test(cond)) {
        if (has === undefined) { result = "no"; return; }
        if (has < want) { result = "later"; wait = Math.max(wait, want - has); }
      } else if (has !== want) {
        result = "no";
      }
    });
    return { result: result, wait: wait };
  }

  function card(policy, note) {
    var amounts = el("ul", {}, policy.amounts.map(function (a) {
      return el("li", {}, [a.name + "：", el("span", { "class": "amount" }, [a.amount]),
        el("span", { "class": "doc" }, ["（依据：" + a.document + "）"])]);
    }));
    var steps = el("ol", {}, policy.how.map(function (s) { return el("li", {}, [s]); }));
    var parts = [el("h3", {}, [el("a", { href: policy.url }, [policy.title])])];
    if (note) parts.push(el("p", { "class": "full" }, [note]));
    parts.push(amounts, el("p", {}, [el("strong", {}, ["怎么申请："])]), steps,
      el("p", { "class": "doc" }, ["政策依据：" + policy.document]));
    return el("li", { "class": "policy-result", "data-policy": policy.key }, parts);
  }

  function show(data, given, box) {
    var now = [], later = [];
    data.policies.forEach(function (p) {
      var m = match(p, given);
      if (m.result === "yes") now.push(card(p));
      if (m.result === "later") later.push(card(p, "再满" + m.wait + "个月就可以申请。"));
    });
    box.textContent = "";
    if (!now.length && !later.length) {
      box.appendChild(el("p", {}, ["按您的回答，暂时没有找到适合的政策。可以换个回答再查，或者问问村干部、乡镇劳动保障站。"]));
    }
    if (now.length) {
      box.appendChild(el("h2", { id: "result-now" }, ["您可以享受的政策（" + now.length + "项）"]));
      box.appendChild(el("ul", { "class": "cards" }, now));
    }
    if (later.length) {
      box.appendChild(el("h2", { id: "result-later" }, ["过一段时间可以申请的政策"]));
      box.appendChild(el("ul", { "class": "cards" }, later));
    }
    box.focus();
  }

  function start() {
    var form = document.getElementById("checker-form");
    var source = document.getElementById("checker-data");
    if (!form || !source) return;
    var data = JSON.parse(source.textContent);
    function toggle() {
      form.querySelectorAll("fieldset[data-show-if]").forEach(function (box) {
        var on = form.querySelector('input[name="' + box.getAttribute("data-show-if") + '"][value="yes"]');
        box.hidden = !(on && on.checked);
      });
    }
    form.addEventListener("change", toggle);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show(data, answers(form, data.questions), document.getElementById("checker-result"));
    });
    toggle();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
