/* lintnews report: hover card, rule panel, filters, keys. Everything the page shows from
   the data is put in with textContent, never as markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lintnews-data").textContent);
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.m"));
  var heads = marks.filter(function (m) { return m.id; });  // one per finding, in reading order
  var tip = document.getElementById("tip");
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");
  var pos = document.getElementById("pos");
  var off = { fam: {}, sev: {} };
  var current = null;
  var lastFocus = null;

  function fid(m) { return +m.getAttribute("data-f"); }
  function family(rule) { return rule.split(".")[0]; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function famClass(rule) {
    return "fam-" + family(rule).replace(/[^A-Za-z0-9_-]/g, "_");
  }
  function swatch(rule) {
    var s = el("span", "sw " + famClass(rule), "ab");
    s.setAttribute("aria-hidden", "true");
    return s;
  }
  function isOff(i) {
    var f = data.findings[i];
    return !!(off.fam[family(f.r)] || off.sev[f.s]);
  }
  function visibleHeads() { return heads.filter(function (m) { return !m.classList.contains("off"); }); }

  /* the findings on these words: this highlight and those it sits inside, innermost first */
  function stackAt(m) {
    var out = [];
    for (var e = m; e; e = e.parentElement ? e.parentElement.closest("mark.m") : null) {
      var i = fid(e);
      if (!isOff(i) && out.indexOf(i) < 0) out.push(i);
    }
    return out;
  }

  /* filters */
  function applyFilters() {
    marks.forEach(function (m) {
      var hide = isOff(fid(m));
      m.classList.toggle("off", hide);
      if (m.id) {
        m.tabIndex = hide ? -1 : 0;
        if (hide) m.removeAttribute("role"); else m.setAttribute("role", "button");
      }
    });
    if (current && current.classList.contains("off")) current.classList.remove("current");
    updatePos();
    hideTip();
  }
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    box.addEventListener("change", function () {
      off[box.getAttribute("data-filter")][box.value] = !box.checked;
      applyFilters();
    });
  });

  function updatePos() {
    var vis = visibleHeads();
    var at = current ? vis.indexOf(current) : -1;
    pos.textContent = at >= 0 ? (at + 1) + " of " + vis.length : vis.length + " shown";
  }

  /* hover card */
  function fillTip(stack) {
    tip.textContent = "";
    stack.forEach(function (i) {
      var f = data.findings[i];
      var item = el("div", "item");
      var head = el("div", "head");
      head.appendChild(swatch(f.r));
      head.appendChild(el("span", "rule", f.r));
      head.appendChild(el("span", "sev", f.s));
      item.appendChild(head);
      item.appendChild(el("div", "msg", f.m));
      if (f.g.length) {
        var s = el("div", "sugg", "Suggestion: ");
        s.appendChild(el("b", "", f.g.join(", ")));
        item.appendChild(s);
      }
      tip.appendChild(item);
    });
    tip.appendChild(el("div", "hint", "Click or press Enter for the rule's rationale and examples."));
  }
  function showTip(m) {
    var stack = stackAt(m);  // a highlight switched off may sit inside one still shown
    if (!stack.length) { hideTip(); return; }
    fillTip(stack);
    tip.hidden = false;
    var r = m.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.max(8, Math.min(r.left, document.documentElement.clientWidth - w - 8));
    var top = r.bottom + 8;
    if (top + h > window.innerHeight && r.top - h - 8 > 60) top = r.top - h - 8;
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
    m.setAttribute("aria-describedby", "tip");
  }
  function hideTip() { tip.hidden = true; }

  document.addEventListener("mouseover", function (e) {
    var m = e.target.closest && e.target.closest("mark.m");
    if (m) showTip(m); else if (!(document.activeElement && document.activeElement.matches("mark.m"))) hideTip();
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("mark.m")) showTip(e.target);
  });
  document.addEventListener("focusout", function (e) {
    if (e.target.matches && e.target.matches("mark.m")) hideTip();
  });

  /* the rule panel: the finding, then what `lintnews explain` says */
  function section(title) {
    var s = el("section");
    s.appendChild(el("h3", "", title));
    return s;
  }
  function openRule(rule, i, others) {
    var ex = data.rules[rule] || { summary: "", rationale: "", sources: [], flags: [], passes: [] };
    panelBody.textContent = "";
    var h = el("h2");
    h.id = "panel-title";
    h.appendChild(swatch(rule));
    h.appendChild(el("span", "", rule));
    panelBody.appendChild(h);
    if (ex.kind) panelBody.appendChild(el("div", "where", (data.families[family(rule)] || family(rule)) + " · " + ex.kind + " · " + ex.severity + " · scope: " + ex.scope));
    if (i !== undefined) {
      var f = data.findings[i];
      var box = el("div", "found");
      box.appendChild(el("p", "msg", f.m));
      if (f.g.length) {
        var s = el("p", "sugg", "Suggestion: ");
        s.appendChild(el("b", "", f.g.join(", ")));
        box.appendChild(s);
      }
      box.appendChild(el("div", "where", f.p + ":" + f.l + ":" + f.c));
      panelBody.appendChild(box);
      if (others && others.length) {
        var also = section("Also on these words");
        also.className = "also";
        var ul = el("ul");
        others.forEach(function (j) {
          var li = el("li");
          var b = el("button", "", data.findings[j].r);
          b.type = "button";
          b.addEventListener("click", function () {
            openRule(data.findings[j].r, j, [i].concat(others.filter(function (k) { return k !== j; })));
          });
          li.appendChild(b);
          li.appendChild(document.createTextNode(" " + data.findings[j].m));
          ul.appendChild(li);
        });
        also.appendChild(ul);
        panelBody.appendChild(also);
      }
    }
    if (ex.summary || ex.rationale) {
      var why = section("Why");
      if (ex.summary) why.appendChild(el("p", "", ex.summary));
      ex.rationale.split(/\n\s*\n/).forEach(function (para) {
        if (para.trim()) why.appendChild(el("p", "", para.replace(/\s*\n\s*/g, " ")));
      });
      panelBody.appendChild(why);
    }
    if (ex.sources.length || ex.link) {
      var src = section("Sources");
      var ul2 = el("ul");
      ex.sources.forEach(function (t) { ul2.appendChild(el("li", "", t)); });
      if (ex.link && /^https?:\/\//i.test(ex.link)) {
        var li = el("li");
        var a = el("a", "", ex.link);
        a.href = ex.link;
        a.rel = "noopener noreferrer";
        li.appendChild(a);
        ul2.appendChild(li);
      }
      src.appendChild(ul2);
      panelBody.appendChild(src);
    }
    if (ex.fix) {
      var fx = section("Fix");
      fx.appendChild(el("p", "", ex.fix + " (" + ex.fix_how + ")"));
      (ex.fixes || []).forEach(function (pair) {
        var d = el("div", "fixex");
        d.appendChild(el("div", "before", pair[0]));
        d.appendChild(el("div", "after", "→ " + pair[1]));
        fx.appendChild(d);
      });
      panelBody.appendChild(fx);
    }
    [["Flags", ex.flags, "flag"], ["Passes", ex.passes, "pass"]].forEach(function (g) {
      if (!g[1].length) return;
      var s = section(g[0]);
      var ul = el("ul", "ex " + g[2]);
      g[1].forEach(function (t) { ul.appendChild(el("li", "", t)); });
      s.appendChild(ul);
      panelBody.appendChild(s);
    });
    if (ex.location) panelBody.appendChild(el("div", "loc", "Defined in " + ex.location));
    if (panel.hidden) lastFocus = document.activeElement;
    panel.hidden = false;
    document.body.classList.add("panel-open");
    panel.scrollTop = 0;
    panel.focus({ preventScroll: true });
    if (i !== undefined && current) current.scrollIntoView({ block: "nearest" });
  }
  function openFinding(m) {
    var stack = stackAt(m);
    if (!stack.length) return;
    hideTip();
    setCurrent(heads.filter(function (h) { return fid(h) === stack[0]; })[0] || m);
    openRule(data.findings[stack[0]].r, stack[0], stack.slice(1));
  }
  function closePanel() {
    if (panel.hidden) return;
    panel.hidden = true;
    document.body.classList.remove("panel-open");
    if (lastFocus && lastFocus.focus) lastFocus.focus({ preventScroll: true });
  }
  panel.querySelector(".close").addEventListener("click", closePanel);
  document.addEventListener("click", function (e) {
    var m = e.target.closest && e.target.closest("mark.m");
    if (m && stackAt(m).length) { openFinding(m); return; }
    var r = e.target.closest && e.target.closest(".rule-link");
    if (r) { openRule(r.getAttribute("data-rule")); return; }
    if (!panel.hidden && !panel.contains(e.target) && !(e.target.closest && e.target.closest(".bar"))) closePanel();
  });

  /* moving from finding to finding */
  function setCurrent(m) {
    if (current) current.classList.remove("current");
    current = m;
    if (m) m.classList.add("current");
    updatePos();
  }
  function step(dir) {
    var vis = visibleHeads();
    if (!vis.length) return;
    var at = current ? vis.indexOf(current) : -1;
    if (at < 0 && current) {  // the current one was filtered out: go on from where it was
      var all = heads.indexOf(current);
      at = dir > 0 ? -1 : vis.length;
      for (var k = 0; k < vis.length; k++) {
        if (heads.indexOf(vis[k]) > all) { at = dir > 0 ? k - 1 : k; break; }
      }
    }
    var next = vis[(at + dir + vis.length) % vis.length];
    if (at < 0 && dir < 0) next = vis[vis.length - 1];
    setCurrent(next);
    next.scrollIntoView({ block: "center" });
    next.focus({ preventScroll: true });
  }
  document.getElementById("next").addEventListener("click", function () { step(1); });
  document.getElementById("prev").addEventListener("click", function () { step(-1); });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    if (e.key === "Escape") { hideTip(); closePanel(); return; }
    if (t && t.matches && t.matches("mark.m") && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); openFinding(t); return; }
    if (e.key === "j" || e.key === "n") { e.preventDefault(); step(1); }
    else if (e.key === "k" || e.key === "p") { e.preventDefault(); step(-1); }
  });
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("mark.m") && e.target.id) setCurrent(e.target);
  });
  updatePos();
})();
