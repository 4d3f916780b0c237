/* 我能享受哪些政策: the same rules as evaluate() in portal/sitebuild/checker.py (tests drive both
   with one persona table). The data (questions, policies, amounts) is generated from content/data
   at each site build and embedded in the page as JSON, so this works without a server.
   Nothing leaves the browser. */
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

  /* 150000 -> 15万元, 5000 -> 5000元 (catalogue.yuan). */
  function yuan(n) {
    if (n >= 10000 && n % 10000 === 0) return n / 10000 + "万元";
    return n + "元";
  }

  function rawAnswers(form, questions) {
    var out = {};
    questions.forEach(function (q) {
      if (q.kind === "yesno" || q.kind === "choice") {
        var picked = form.querySelector('input[name="' + q.key + '"]:checked');
        if (!picked) return;
        out[q.key] = q.kind === "yesno" ? picked.value === "yes" : picked.value;
      } else {
        var input = form.querySelector('input[name="' + q.key + '"]');
        if (input) out[q.key] = input.value;
      }
    });
    return out;
  }

  function byKey(questions) {
    var map = {};
    questions.forEach(function (q) { map[q.key] = q; });
    return map;
  }

  function shown(q, answers, map) {
    var cond = q.show_if || {};
    return Object.keys(cond).every(function (k) {
      return shown(map[k], answers, map) && answers[k] === cond[k];
    });
  }

  var FULL = "０１２３４５６７８９";
  function number(raw, q, n) {
    if (raw === undefined || raw === null) return [null, null];
    var text = String(raw).trim().replace(/[０-９]/g, function (c) { return String(FULL.indexOf(c)); });
    text = text.replace(/(个月|月|名|人|个)$/, "").trim();
    if (text === "") return [null, null];
    if (!/^[0-9]+$/.test(text)) {
      return [null, "第" + n + "题（" + q.label + "）要填0或正整数，比如 3，不能填“" + String(raw).trim() + "”。"];
    }
    var value = parseInt(text, 10);
    if (value > q.max) return [null, "第" + n + "题（" + q.label + "）填的 " + text + " 太大了，最多 " + q.max + "，请检查。"];
    return [value, null];
  }

  function normalise(data, raw) {
    var map = byKey(data.questions), answers = {}, errors = [], bad = {};
    data.questions.forEach(function (q, i) {
      if (!shown(q, answers, map)) return;
      var value = raw[q.key];
      if (q.kind === "months" || q.kind === "count") {
        var parsed = number(value, q, i + 1);
        if (parsed[1]) { errors.push(parsed[1]); bad[q.key] = true; return; }
        value = parsed[0];
      }
      if (value !== null && value !== undefined && value !== "") answers[q.key] = value;
    });
    var hired = answers.hired_count, stable = answers.stable_count;
    if (hired !== undefined && stable !== undefined && stable > hired) {
      errors.push("满1年的人数（" + stable + "）比招用的总人数（" + hired + "）还多，请检查这两题。");
    }
    return [answers, errors, bad];
  }

  function needs(data, answers, keys, bad) {
    var numbers = {};
    data.questions.forEach(function (q, i) { numbers[q.key] = i + 1; });
    return keys.filter(function (k) { return !(k in answers) && !bad[k]; }).map(function (k) {
      return "请回答第" + numbers[k] + "题，不然算不出这项政策。";
    });
  }

  function evaluate(data, raw) {
    var norm = normalise(data, raw), answers = norm[0], errors = norm[1], bad = norm[2];
    if (errors.length) return { errors: errors, results: [], refused: [] };
    var rates = data.rates, results = [], refused = [];
    function give(key, when, note, total) {
      results.push({ key: key, when: when || "now", note: note || null, total: total === undefined ? null : total });
    }
    function refuse(key, reason) { refused.push({ key: key, reason: reason }); }

    var poor = answers.poor;
    if (poor === true && answers.wants_training === true) {
      give("free_training");
      give("transport_living");
    }

    var school = answers.child_school, grant = rates.school_household_grant.amount;
    if (school === "attending") {
      if (poor === true) {
        var count = answers.child_count;
        if (count === undefined) errors = errors.concat(needs(data, answers, ["child_count"], bad));
        else if (count === 0) errors.push("您选了有孩子正在读技工院校，孩子人数不能填0，请检查。");
        else give("technical_school", "now", "每个孩子每年" + yuan(grant) + "，" + count + "个孩子每年共" + yuan(grant * count) + "。", grant * count);
      } else if (poor === false) {
        refuse("technical_school", "技工教育的这些补助是给建档立卡贫困家庭的。");
      }
    } else if (school === "wants") {
      if (poor === true) {
        give("technical_school", "later", "孩子考上技工院校、开始上学后才能享受：建档立卡贫困家庭的“两后生”免费接受技工教育，在读期间家里每个孩子每年补助" + yuan(grant) + "。");
      } else if (poor === false) {
        refuse("technical_school", "免费技工教育是给建档立卡贫困家庭的“两后生”的。");
      }
    }

    if (answers.business === true) {
      if (poor === true) give("startup_loan", "now", "要符合创业担保贷款的申请条件，由县劳动就业部门审核。");
      var missing = needs(data, answers, ["business_first", "business_kind", "business_months", "returnee"], bad);
      if (missing.length) {
        errors = errors.concat(missing);
      } else if (answers.business_first === false) {
        refuse("startup_subsidy", "一次性创业补贴只给第一次创业（首次创办小微企业或从事个体经营）的人。");
      } else if (poor !== true && answers.returnee !== true) {
        refuse("startup_subsidy", "一次性创业补贴给贫困劳动力和农民工等返乡下乡创业人员；您两样都不是。");
      } else {
        var enterprise = answers.business_kind === "enterprise";
        var rate = rates[enterprise ? "startup_subsidy_enterprise" : "startup_subsidy_sole"];
        var kind = enterprise ? "办小微企业" : "做个体经营";
        var months = answers.business_months;
        if (months >= rate.min_months) {
          give("startup_subsidy", "now", kind + "：一次性" + yuan(rate.amount) + "。", rate.amount);
        } else {
          give("startup_subsidy", "later", "再正常经营" + (rate.min_months - months) + "个月（满" + rate.min_months + "个月）就可以申请，" + kind + "一次性" + yuan(rate.amount) + "。");
        }
      }
    }

    if (answers.employer === true) {
      var lack = needs(data, answers, ["employer_kind", "hired_count", "stable_count", "hired_months"], bad);
      if (lack.length) {
        errors = errors.concat(lack);
      } else {
        var ekind = answers.employer_kind, hired = answers.hired_count, stable = answers.stable_count;
        var reward = rates.employer_reward.amount;
        if (data.reward_employers.indexOf(ekind) < 0) {
          refuse("employer_reward", "创业扶贫奖励补贴只给农民合作社、种养大户、家庭农场、农业企业、扶贫车间这些农民创业主体，“" + data.employer_kinds[ekind] + "”不在其中。");
        } else if (hired === 0) {
          refuse("employer_reward", "还没有招用建档立卡贫困家庭的劳动力。");
        } else if (stable > 0) {
          give("employer_reward", "now", "奖励发给您（招人的单位），不是发给干活的人：" + stable + "人 × " + yuan(reward) + " = " + yuan(reward * stable) + "。", reward * stable);
        } else {
          give("employer_reward", "later", "招来的人在您这里稳定干满1年以上后，每人一次性" + yuan(reward) + "，发给您（招人的单位）。");
        }
        var limit = rates.work_training.max_months;
        if (hired === 0) {
          refuse("work_training", "以工代训要先招用贫困劳动力。");
        } else if (answers.hired_months >= limit) {
          refuse("work_training", "以工代训的职业培训补贴最长不超过" + limit + "个月；最近招来的人已经干满" + limit + "个月，不能再享受。以后新招贫困劳动力时可以再申请。");
        } else {
          give("work_training", "now", "补贴发给您（招人的单位），按招用人数给，最长不超过" + limit + "个月；最近招来的人已干" + answers.hired_months + "个月。");
        }
      }
    }

    if (errors.length) return { errors: errors, results: [], refused: [] };
    return { errors: [], results: results, refused: refused };
  }

  function card(policy, result) {
    var amounts = el("ul", {}, policy.amounts.map(function (a) {
      return el("li", {}, [a.name + "：", el("span", { "class": "amount" }, [a.amount]),
        el("span", { "class": "doc" }, ["（依据：" + a.document + "）"])]);
    }));
    var steps = el("ol", {}, policy.how.map(function (s) { return el("li", {}, [s]); }));
    var parts = [el("h3", {}, [el("a", { href: policy.url }, [policy.title])])];
    if (result.note) parts.push(el("p", { "class": "full" }, [result.note]));
    parts.push(amounts, el("p", {}, [el("strong", {}, ["怎么申请："])]), steps,
      el("p", { "class": "doc" }, ["政策依据：" + policy.document]));
    var attrs = { "class": "policy-result", "data-policy": policy.key, "data-when": result.when };
    if (result.total !== null) attrs["data-total"] = String(result.total);
    return el("li", attrs, parts);
  }

  function show(data, outcome, box) {
    var policies = {};
    data.policies.forEach(function (p) { policies[p.key] = p; });
    box.textContent = "";
    if (outcome.errors.length) {
      box.appendChild(el("div", { id: "checker-errors", role: "alert" }, [
        el("p", {}, [el("strong", {}, ["有几处要改一下："])]),
        el("ul", {}, outcome.errors.map(function (e) { return el("li", {}, [e]); }))
      ]));
      box.focus();
      return;
    }
    var now = outcome.results.filter(function (r) { return r.when === "now"; });
    var later = outcome.results.filter(function (r) { return r.when === "later"; });
    if (!now.length && !later.length) {
      box.appendChild(el("p", {}, ["按您的回答，暂时没有找到适合的政策。可以换个回答再查，或者问问村干部、乡镇劳动保障站。"]));
    }
    if (now.length) {
      box.appendChild(el("h2", { id: "result-now" }, ["您可以享受的政策（" + now.length + "项）"]));
      box.appendChild(el("ul", { "class": "cards" }, now.map(function (r) { return card(policies[r.key], r); })));
    }
    if (later.length) {
      box.appendChild(el("h2", { id: "result-later" }, ["以后可以申请的政策"]));
      box.appendChild(el("ul", { "class": "cards" }, later.map(function (r) { return card(policies[r.key], r); })));
    }
    if (outcome.refused.length) {
      box.appendChild(el("h2", { id: "result-refused" }, ["按方案不能享受的"]));
      box.appendChild(el("ul", {}, outcome.refused.map(function (r) {
        return el("li", { "class": "policy-refused", "data-policy": r.key }, [
          el("strong", {}, [policies[r.key].short + "："]), r.reason]);
      })));
    }
    box.focus();
  }

  function start() {
    var form = document.getElementById("checker-form");
    var source = document.getElementById("checker-data");
    if (!form || !source) return;
    var data = JSON.parse(source.textContent);
    var map = byKey(data.questions);
    function toggle() {
      var raw = rawAnswers(form, data.questions);
      data.questions.forEach(function (q) {
        var box = document.getElementById("q-" + q.key);
        if (box && q.show_if) box.hidden = !shown(q, raw, map);
      });
    }
    form.addEventListener("change", toggle);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show(data, evaluate(data, rawAnswers(form, data.questions)), document.getElementById("checker-result"));
    });
    toggle();
    window.suihuaChecker = { evaluate: evaluate, data: data };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
