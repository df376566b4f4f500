/* The lead table of report.html: search (fuse.js, with precomputed pinyin initials), filters, sorting,
 * pagination and lazily decoded evidence. Data comes only from JSON script blocks; every value is put into
 * the page with textContent or new Option(text) — never innerHTML — so nothing from the data can execute. */
(function () {
  'use strict';
  var CAT = { relationship_benefit: '关系保', phantom_claim: '虚报冒领', finance: '财务', payroll: '吃空饷', conflict_of_interest: '利益输送' };
  var SEV = { high: '高', medium: '中', low: '低' };
  var SEV_ORDER = { high: 0, medium: 1, low: 2 };
  var collator = typeof Intl !== 'undefined' ? new Intl.Collator('zh-CN') : null;
  function cmpText(a, b) {
    a = a || ''; b = b || '';
    return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0);
  }
  function $(id) { return document.getElementById(id); }
  function readJson(id) {
    var el = $(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function fmtMoney(v) {
    if (v == null || v === '') return '';
    return Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  // ---- data: columnar (default) or plain rows (measurement only) → one in-memory shape
  var D = readJson('xc-leads');
  if (!D || !$('lead-body')) return;
  var L = D.format === 'rows' ? fromRows(D) : fromColumnar(D);
  var labels = D.labels || { fields: {}, tables: {} };

  function fromColumnar(d) {
    var c = d.cols, dict = d.dict;
    var evCache = {};
    var date = function (k) { return k >= 0 ? dict.date[k] : null; };
    return {
      n: d.n, id: c.id, rule: c.rule, sev: c.sev, score: c.score, town: c.town, village: c.village, unit: c.unit,
      key: c.key, name: c.name, py: c.py, hh: c.hh, amount: c.amount, ps: c.ps.map(date), pe: c.pe.map(date), desc: c.desc,
      rules: dict.rule, rulePy: dict.rulePy, sevs: dict.sev, towns: dict.town, townPy: dict.townPy,
      villages: dict.village, villagePy: dict.villagePy, units: dict.unit, unitPy: dict.unitPy,
      st: c.st || [], statuses: dict.status || ['未核查'], fu: c.fu || [], followups: dict.followup || [],
      review: function (i) { return (d.reviews || {})[i] || null; },
      evidence: function (i) {
        var k = Math.floor(i / d.chunk);
        if (!evCache[k]) evCache[k] = readJson('xc-ev-' + k) || { s: [], r: [] };
        var chunk = evCache[k];
        var recs = chunk.r[i - k * d.chunk] || [];
        return recs.map(function (r) {
          var keys = dict.evKeys[r[3]] || [];
          return {
            table: r[0] >= 0 ? dict.evTable[r[0]] : '',
            file: r[1] >= 0 ? dict.evFile[r[1]] : '',
            row: r[2],
            fields: keys.map(function (key, j) { var v = r[4 + j]; return [key, v >= 0 ? chunk.s[v] : null]; })
          };
        });
      }
    };
  }

  function fromRows(d) {
    var rows = d.rows, n = rows.length;
    var out = { n: n, id: [], rule: [], sev: [], score: [], town: [], village: [], unit: [], key: [], name: [], py: [], hh: [],
      amount: [], ps: [], pe: [], desc: [], rules: [], rulePy: [], sevs: [], towns: [], townPy: [], villages: [], villagePy: [],
      units: [], unitPy: [] };
    var maps = { rule: {}, sev: {}, town: {}, village: {}, unit: {} };
    function idx(kind, list, v) {
      if (v == null || v === '') return -1;
      var m = maps[kind];
      if (!(v in m)) { m[v] = list.length; list.push(v); }
      return m[v];
    }
    for (var i = 0; i < n; i++) {
      var r = rows[i];
      var rk = (r.rule_id || '') + '\u0000' + (r.rule_name || '') + '\u0000' + (r.category || '');
      if (!(rk in maps.rule)) { maps.rule[rk] = out.rules.length; out.rules.push([r.rule_id, r.rule_name || r.rule_id, r.category]); out.rulePy.push(''); }
      out.id.push(r.id); out.rule.push(maps.rule[rk]); out.sev.push(idx('sev', out.sevs, r.severity));
      out.score.push(r.score); out.town.push(idx('town', out.towns, r.town)); out.village.push(idx('village', out.villages, r.village));
      out.unit.push(idx('unit', out.units, r.unit)); out.key.push(r.key); out.name.push(r.name); out.py.push(r.py); out.hh.push(r.hh);
      out.amount.push(r.amount); out.ps.push(r.ps); out.pe.push(r.pe); out.desc.push(r.desc);
    }
    out.statuses = ['未核查', '核查中', '属实', '部分属实', '不属实', '已整改']; out.st = []; out.fu = []; out.followups = [];
    rows.forEach(function (r) {
      var k = out.statuses.indexOf(r.status || '未核查');
      if (k < 0) { k = out.statuses.length; out.statuses.push(r.status); }
      out.st.push(k);
      var f = r.followup ? out.followups.indexOf(r.followup) : -1;
      if (r.followup && f < 0) { f = out.followups.length; out.followups.push(r.followup); }
      out.fu.push(f);
    });
    out.review = function (i) { return rows[i].review || null; };
    out.townPy = out.towns.map(function () { return ''; });
    out.villagePy = out.villages.map(function () { return ''; });
    out.unitPy = out.units.map(function () { return ''; });
    out.evidence = function (i) {
      return (rows[i].evidence || []).map(function (e) {
        return { table: e.table, file: e.source_file, row: e.source_row, fields: Object.keys(e.fields || {}).map(function (k) { return [k, e.fields[k]]; }) };
      });
    };
    return out;
  }

  function ruleName(i) { var r = L.rules[L.rule[i]]; return r ? r[1] : ''; }
  function categoryOf(i) { var r = L.rules[L.rule[i]]; return r ? r[2] : ''; }
  function sevOf(i) { return L.sev[i] >= 0 ? L.sevs[L.sev[i]] : ''; }
  function statusOf(i) { return L.statuses[L.st[i]] || '未核查'; }
  function followupOf(i) { return L.fu[i] >= 0 ? L.followups[L.fu[i]] : ''; }
  var STATUS_CLASS = { '未核查': 'st-none', '核查中': 'st-doing', '属实': 'st-true', '部分属实': 'st-part', '不属实': 'st-false', '已整改': 'st-fixed' };
  function placeOf(i) {
    if (L.unit[i] >= 0) return L.units[L.unit[i]];
    var t = L.town[i] >= 0 ? L.towns[L.town[i]] : '';
    var v = L.village[i] >= 0 ? L.villages[L.village[i]] : '';
    return t && v ? t + ' · ' + v : t || v;
  }

  // ---- filters
  function fill(select, items) {
    items.forEach(function (it) { select.appendChild(new Option(it[1], it[0])); });
  }
  function dictOptions(list) {
    return list.map(function (v, k) { return [String(k), v]; }).sort(function (a, b) { return cmpText(a[1], b[1]); });
  }
  var cats = {};
  L.rules.forEach(function (r) { if (r[2]) cats[r[2]] = true; });
  fill($('f-category'), Object.keys(cats).map(function (c) { return [c, CAT[c] || c]; }));
  fill($('f-rule'), L.rules.map(function (r, k) { return [String(k), r[1] || r[0]]; }).sort(function (a, b) { return cmpText(a[1], b[1]); }));
  fill($('f-severity'), L.sevs.map(function (s, k) { return [String(k), SEV[s] || s]; }).sort(function (a, b) {
    return (SEV_ORDER[L.sevs[+a[0]]] == null ? 9 : SEV_ORDER[L.sevs[+a[0]]]) - (SEV_ORDER[L.sevs[+b[0]]] == null ? 9 : SEV_ORDER[L.sevs[+b[0]]]);
  }));
  fill($('f-status'), L.statuses.map(function (s, k) { return [String(k), s]; }));
  fill($('f-town'), dictOptions(L.towns));
  fill($('f-village'), dictOptions(L.villages));
  fill($('f-unit'), dictOptions(L.units));
  ['f-town', 'f-village', 'f-unit'].forEach(function (id) { if ($(id).options.length <= 1) $(id).style.display = 'none'; });

  var state = { q: '', sortKey: '', sortDir: 1, page: 0, size: 50 };
  var view = [];

  // ---- search
  // Each lead gets one lower-case haystack (name, pinyin initials, subject key, place, unit, rule and their
  // initials). A query that occurs literally in some haystacks returns those leads (fast and exact: an ID tail,
  // a name, a village); otherwise fuse.js does the fuzzy match (typos, partial pinyin). Both are built lazily
  // on the first search, so they cost nothing before the analyst types.
  var hay = null, fuse = null;
  function buildHay() {
    hay = new Array(L.n);
    for (var i = 0; i < L.n; i++) {
      var t = L.town[i], v = L.village[i], u = L.unit[i], r = L.rule[i];
      hay[i] = [L.name[i] || '', L.py[i] || '', L.key[i] || '', L.hh[i] || '',
        u >= 0 ? L.units[u] + ' ' + L.unitPy[u] : '', t >= 0 ? L.towns[t] + ' ' + L.townPy[t] : '',
        v >= 0 ? L.villages[v] + ' ' + L.villagePy[v] : '', r >= 0 && L.rules[r] ? L.rules[r][1] + ' ' + (L.rulePy[r] || '') : ''
      ].join('\u0001').toLowerCase();
    }
  }
  function buildFuse() {
    var docs = new Array(L.n);
    for (var i = 0; i < L.n; i++) {
      var t = L.town[i], v = L.village[i], u = L.unit[i];
      docs[i] = {
        n: L.name[i] || '',
        p: L.py[i] || '',
        k: L.key[i] || '',
        o: (u >= 0 ? L.units[u] : '') + ' ' + (t >= 0 ? L.towns[t] : '') + ' ' + (v >= 0 ? L.villages[v] : '')
      };
    }
    return new Fuse(docs, {
      keys: [{ name: 'n', weight: 3 }, { name: 'p', weight: 2 }, { name: 'k', weight: 2 }, { name: 'o', weight: 1 }],
      threshold: 0.34, ignoreLocation: true, includeScore: false
    });
  }
  function search(q) {
    q = q.trim().toLowerCase();
    if (!q) return null;
    if (!hay) buildHay();
    var exact = [], inName = [];
    for (var i = 0; i < L.n; i++) {
      var at = hay[i].indexOf(q);
      if (at < 0) continue;
      // matches in the name or its initials rank first
      if (at < (L.name[i] || '').length + (L.py[i] || '').length + 2) inName.push(i); else exact.push(i);
    }
    if (inName.length || exact.length) return inName.concat(exact);
    // Digits (an ID tail, a voucher number) must match literally, never approximately.
    if (/^[0-9x*|-]+$/.test(q)) return [];
    if (!fuse) fuse = buildFuse();
    return fuse.search(q).map(function (r) { return r.refIndex; });
  }

  function selected(id) { var v = $(id).value; return v === '' ? null : v; }

  function compute() {
    var base = search(state.q);
    var fc = selected('f-category'), fr = selected('f-rule'), fs = selected('f-severity');
    var ft = selected('f-town'), fv = selected('f-village'), fu = selected('f-unit'), fst = selected('f-status');
    fst = fst == null ? -2 : +fst;
    fr = fr == null ? -2 : +fr; fs = fs == null ? -2 : +fs; ft = ft == null ? -2 : +ft; fv = fv == null ? -2 : +fv; fu = fu == null ? -2 : +fu;
    var out = [];
    var len = base ? base.length : L.n;
    for (var j = 0; j < len; j++) {
      var i = base ? base[j] : j;
      if (fc != null && categoryOf(i) !== fc) continue;
      if (fr !== -2 && L.rule[i] !== fr) continue;
      if (fs !== -2 && L.sev[i] !== fs) continue;
      if (ft !== -2 && L.town[i] !== ft) continue;
      if (fv !== -2 && L.village[i] !== fv) continue;
      if (fu !== -2 && L.unit[i] !== fu) continue;
      if (fst !== -2 && L.st[i] !== fst) continue;
      out.push(i);
    }
    if (state.sortKey) {
      var k = state.sortKey, d = state.sortDir;
      var num = function (a, b) { return ((a == null ? -Infinity : a) - (b == null ? -Infinity : b)); };
      var cmp = {
        score: function (a, b) { return num(L.score[a], L.score[b]); },
        amount: function (a, b) { return num(L.amount[a], L.amount[b]); },
        sev: function (a, b) { return (SEV_ORDER[sevOf(b)] == null ? -1 : SEV_ORDER[sevOf(b)]) - (SEV_ORDER[sevOf(a)] == null ? -1 : SEV_ORDER[sevOf(a)]); },
        rule: function (a, b) { return cmpText(ruleName(a), ruleName(b)); },
        name: function (a, b) { return cmpText(L.name[a], L.name[b]); },
        key: function (a, b) { return cmpText(L.key[a], L.key[b]); },
        place: function (a, b) { return cmpText(placeOf(a), placeOf(b)); },
        ps: function (a, b) { return cmpText(L.ps[a], L.ps[b]); },
        st: function (a, b) { return L.st[a] - L.st[b]; }
      }[k];
      if (cmp) out.sort(function (a, b) { return d * cmp(a, b) || a - b; });
    }
    view = out;
  }

  // ---- rendering
  var body = $('lead-body');
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / state.size));
    if (state.page >= pages) state.page = pages - 1;
    if (state.page < 0) state.page = 0;
    var start = state.page * state.size;
    var frag = document.createDocumentFragment();
    for (var j = start; j < Math.min(view.length, start + state.size); j++) frag.appendChild(leadRow(view[j]));
    body.textContent = '';
    if (!view.length) {
      var tr = el('tr', 'empty'), td = el('td', null, '没有符合条件的线索');
      td.colSpan = 10; tr.appendChild(td); frag.appendChild(tr);
    }
    body.appendChild(frag);
    $('count').textContent = '符合条件 ' + view.length.toLocaleString('en-US') + ' 条' + (view.length !== L.n ? '（共 ' + L.n.toLocaleString('en-US') + ' 条）' : '');
    $('page-info').textContent = '第 ' + (state.page + 1) + ' / ' + pages + ' 页';
    $('prev').disabled = $('first').disabled = state.page === 0;
    $('next').disabled = $('last').disabled = state.page >= pages - 1;
    var ths = document.querySelectorAll('#lead-table th[data-sort]');
    for (var t = 0; t < ths.length; t++) {
      var key = ths[t].getAttribute('data-sort');
      ths[t].setAttribute('aria-sort', key === state.sortKey ? (state.sortDir > 0 ? 'ascending' : 'descending') : 'none');
    }
  }

  function leadRow(i) {
    var tr = el('tr', 'lead');
    tr.setAttribute('data-i', String(i));
    tr.tabIndex = 0;
    var s = sevOf(i);
    tr.appendChild(el('td', 'num', L.score[i]));
    var sevTd = el('td');
    sevTd.appendChild(el('span', 'sev sev-' + (SEV[s] ? s : 'other'), SEV[s] || s));
    tr.appendChild(sevTd);
    var stTd = el('td', 'status');
    var st = statusOf(i);
    stTd.appendChild(el('span', 'st ' + (STATUS_CLASS[st] || 'st-none'), st));
    var fu = followupOf(i);
    if (fu) stTd.appendChild(el('span', 'fu' + (fu === '整改不到位' ? ' fu-bad' : ''), fu));
    tr.appendChild(stTd);
    tr.appendChild(el('td', 'rule', ruleName(i)));
    tr.appendChild(el('td', 'name', L.name[i] || ''));
    tr.appendChild(el('td', 'key mono', L.key[i] || ''));
    tr.appendChild(el('td', 'place', placeOf(i)));
    tr.appendChild(el('td', 'num', fmtMoney(L.amount[i])));
    tr.appendChild(el('td', 'period', L.ps[i] ? L.ps[i] + (L.pe[i] && L.pe[i] !== L.ps[i] ? ' 至 ' + L.pe[i] : '') : ''));
    tr.appendChild(el('td', 'desc', L.desc[i] || ''));
    return tr;
  }

  function evidencePanel(i) {
    var tr = el('tr', 'detail');
    var td = el('td');
    td.colSpan = 10;
    var box = el('div', 'evidence');
    var head = el('div', 'ev-head');
    head.appendChild(el('span', 'ev-title', '线索 ' + L.id[i]));
    if (L.hh[i]) head.appendChild(el('span', 'ev-meta', '家庭/户：' + L.hh[i]));
    box.appendChild(head);
    box.appendChild(el('p', 'ev-desc', L.desc[i] || ''));
    var rv = L.review(i), rvBox = el('div', 'ev-review');
    rvBox.appendChild(el('span', 'ev-review-label', '核查状态：'));
    rvBox.appendChild(el('span', 'st ' + (STATUS_CLASS[statusOf(i)] || 'st-none'), statusOf(i)));
    if (followupOf(i)) rvBox.appendChild(el('span', 'fu' + (followupOf(i) === '整改不到位' ? ' fu-bad' : ''), '回头看：' + followupOf(i)));
    if (rv) {
      if (rv[1]) rvBox.appendChild(el('span', 'ev-meta', '核查人：' + rv[1]));
      if (rv[2]) rvBox.appendChild(el('span', 'ev-meta', '核查日期：' + rv[2]));
      if (rv[3]) rvBox.appendChild(el('span', 'ev-meta', '来源：' + rv[3]));
      if (rv[0]) rvBox.appendChild(el('p', 'ev-review-text', '核查结果：' + rv[0]));
    }
    box.appendChild(rvBox);
    var recs = L.evidence(i);
    if (!recs.length) box.appendChild(el('p', 'muted', '（该线索没有附带证据记录）'));
    // Consecutive records of one table with the same fields share one table: one line per source row.
    var groups = [];
    recs.forEach(function (r) {
      var sig = r.table + '\u0000' + r.fields.map(function (kv) { return kv[0]; }).join('\u0000');
      var g = groups[groups.length - 1];
      if (g && g.sig === sig) g.recs.push(r);
      else groups.push({ sig: sig, table: r.table, keys: r.fields.map(function (kv) { return kv[0]; }), recs: [r] });
    });
    groups.forEach(function (g) {
      var card = el('div', 'ev-card');
      var src = el('div', 'ev-src');
      src.appendChild(el('span', 'ev-table', (labels.tables[g.table] || g.table || '证据') + (g.table && labels.tables[g.table] ? '（' + g.table + '）' : '')));
      src.appendChild(el('span', 'ev-n', g.recs.length + ' 条记录'));
      card.appendChild(src);
      var wrap = el('div', 'table-wrap');
      var t = el('table', 'ev-fields');
      var thead = el('thead'), hr = el('tr');
      hr.appendChild(el('th', null, '来源文件'));
      hr.appendChild(el('th', 'num', '行号'));
      g.keys.forEach(function (k) { hr.appendChild(el('th', null, labels.fields[k] ? labels.fields[k] : k)); });
      thead.appendChild(hr);
      t.appendChild(thead);
      var tb = el('tbody');
      g.recs.forEach(function (r) {
        var row = el('tr');
        row.appendChild(el('td', 'ev-file mono', r.file || '（未知）'));
        row.appendChild(el('td', 'ev-row num', r.row != null && r.row !== '' ? r.row : '?'));
        r.fields.forEach(function (kv) { row.appendChild(el('td', 'mono', kv[1] == null ? '' : kv[1])); });
        tb.appendChild(row);
      });
      t.appendChild(tb);
      wrap.appendChild(t);
      card.appendChild(wrap);
      box.appendChild(card);
    });
    td.appendChild(box);
    tr.appendChild(td);
    return tr;
  }

  function toggle(tr) {
    var next = tr.nextSibling;
    if (next && next.className === 'detail') {
      body.removeChild(next);
      tr.classList.remove('open');
      return;
    }
    tr.classList.add('open');
    body.insertBefore(evidencePanel(+tr.getAttribute('data-i')), next);
  }
  body.addEventListener('click', function (e) {
    var tr = e.target;
    while (tr && tr !== body && !(tr.tagName === 'TR' && tr.className.indexOf('lead') === 0)) tr = tr.parentNode;
    if (tr && tr !== body) toggle(tr);
  });
  body.addEventListener('keydown', function (e) {
    if ((e.key === 'Enter' || e.key === ' ') && e.target.tagName === 'TR' && e.target.classList.contains('lead')) {
      e.preventDefault();
      toggle(e.target);
    }
  });

  function refresh() { state.page = 0; compute(); render(); }
  var timer = null;
  $('q').addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = $('q').value; refresh(); }, L.n > 20000 ? 250 : 80);
  });
  ['f-category', 'f-rule', 'f-severity', 'f-status', 'f-town', 'f-village', 'f-unit'].forEach(function (id) { $(id).addEventListener('change', refresh); });
  $('reset').addEventListener('click', function () {
    $('q').value = ''; state.q = '';
    ['f-category', 'f-rule', 'f-severity', 'f-status', 'f-town', 'f-village', 'f-unit'].forEach(function (id) { $(id).value = ''; });
    state.sortKey = ''; refresh();
  });
  $('page-size').addEventListener('change', function () { state.size = +$('page-size').value; state.page = 0; render(); });
  $('first').addEventListener('click', function () { state.page = 0; render(); });
  $('prev').addEventListener('click', function () { state.page--; render(); });
  $('next').addEventListener('click', function () { state.page++; render(); });
  $('last').addEventListener('click', function () { state.page = Infinity; render(); });
  var ths = document.querySelectorAll('#lead-table th[data-sort]');
  for (var t = 0; t < ths.length; t++) {
    ths[t].addEventListener('click', function () {
      var key = this.getAttribute('data-sort');
      if (state.sortKey === key) state.sortDir = -state.sortDir;
      else { state.sortKey = key; state.sortDir = key === 'score' || key === 'amount' || key === 'sev' ? -1 : 1; }
      compute(); render();
    });
  }

  compute();
  render();
  window.xcReadyAt = performance.now();
  document.body.setAttribute('data-ready', '1');
  // Build the literal-search haystack while the analyst is still reading, so the first search is quick.
  var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 300); };
  idle(function () { if (!hay) buildHay(); });
})();
