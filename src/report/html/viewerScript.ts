// The report page's client code, inlined into report.html (no network, no dependencies): a step-through
// trace viewer with a state diff per step and an SVG sequence diagram with one lane per actor plus the kernel.
// Kept as plain ES2017 in a string so the page works from a file:// URL in any current browser.
export const VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('ioas-data').textContent);
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmtResult(r) {
    var out = r.out && Object.keys(r.out).length ? ' {' + Object.keys(r.out).map(function (k) { return k + ': ' + r.out[k]; }).join(', ') + '}' : '';
    if (r.errno !== undefined) return r.errno + out;
    if (r.unmodelled !== undefined) return 'not modelled';
    return String(r.ret) + out;
  }
  function fmtAction(a) {
    var parts = [];
    if (a.fd !== undefined) parts.push('fd ' + a.fd);
    Object.keys(a.args || {}).forEach(function (k) {
      var v = a.args[k];
      if (v === null || (k === '__reserved' && v === 0)) return;
      parts.push(k + '=' + v);
    });
    if (a.fault) parts.push('inject ' + a.fault + ' failure');
    return a.op + '(' + parts.join(', ') + ')';
  }
  function objectsOf(state) {
    var m = {};
    (state ? state.iommufds : []).forEach(function (c) {
      c.objects.forEach(function (o) { m['ctx' + c.ctx + ' ' + o.type + ' ' + o.id] = JSON.stringify(o); });
    });
    return m;
  }
  function diff(before, after) {
    var lines = [];
    var a = objectsOf(before), b = objectsOf(after);
    Object.keys(b).forEach(function (k) {
      if (!(k in a)) lines.push(['added', k + ' ' + b[k]]);
      else if (a[k] !== b[k]) lines.push(['changed', k + ' ' + a[k] + ' -> ' + b[k]]);
    });
    Object.keys(a).forEach(function (k) { if (!(k in b)) lines.push(['removed', k]); });
    var ca = {}, cb = {};
    (before ? before.iommufds : []).forEach(function (c) { ca[c.ctx] = c.vfio_ioas; });
    (after ? after.iommufds : []).forEach(function (c) { cb[c.ctx] = c.vfio_ioas; });
    Object.keys(cb).forEach(function (k) {
      if (ca[k] !== cb[k]) lines.push(['changed', 'ctx' + k + ' vfio_ioas ' + (ca[k] === undefined ? '-' : ca[k]) + ' -> ' + cb[k]]);
    });
    var da = {}, db = {};
    (before ? before.devices : []).forEach(function (d) { da[d.name] = JSON.stringify(d); });
    (after ? after.devices : []).forEach(function (d) { db[d.name] = JSON.stringify(d); });
    Object.keys(db).forEach(function (k) { if (da[k] !== undefined && da[k] !== db[k]) lines.push(['changed', 'device ' + k + ' ' + da[k] + ' -> ' + db[k]]); });
    return lines;
  }
  function sequence(cx, current) {
    var actors = cx.topology.actors.map(function (a) { return a.name; }).concat(['kernel']);
    var laneW = 260, rowH = 46, top = 40;
    var width = laneW * actors.length, height = top + rowH * cx.steps.length + 20;
    var s = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, class: 'seq' });
    actors.forEach(function (name, i) {
      var x = laneW * i + laneW / 2;
      s.appendChild(svg('text', { x: x, y: 20, 'text-anchor': 'middle', class: 'lane-name' }, name));
      s.appendChild(svg('line', { x1: x, y1: 28, x2: x, y2: height - 10, class: 'lane' }));
    });
    var kx = laneW * (actors.length - 1) + laneW / 2;
    cx.steps.forEach(function (st, i) {
      var ax = laneW * actors.indexOf(st.action.actor) + laneW / 2;
      var y = top + rowH * i + 14;
      var g = svg('g', { class: 'msg' + (i === current ? ' current' : '') + (i === cx.violation.step ? ' violating' : ''), 'data-step': i });
      g.appendChild(svg('line', { x1: ax, y1: y, x2: kx, y2: y, class: 'call' }));
      g.appendChild(svg('text', { x: (ax + kx) / 2, y: y - 4, 'text-anchor': 'middle' }, '[' + i + '] ' + st.action.op));
      var reply = fmtResult(st.result);
      g.appendChild(svg('line', { x1: kx, y1: y + 16, x2: ax, y2: y + 16, class: st.result.errno ? 'reply errno' : 'reply' }));
      g.appendChild(svg('text', { x: (ax + kx) / 2, y: y + 28, 'text-anchor': 'middle', class: 'reply-text' }, reply));
      s.appendChild(g);
    });
    return s;
  }
  function viewer(cx, root) {
    var i = 0;
    var head = el('div', { class: 'controls' });
    var prev = el('button', { type: 'button', class: 'prev' }, '\u25c0 previous');
    var next = el('button', { type: 'button', class: 'next' }, 'next \u25b6');
    var pos = el('span', { class: 'position' });
    head.appendChild(prev); head.appendChild(pos); head.appendChild(next);
    var detail = el('div', { class: 'step' });
    var seq = el('div', { class: 'seq-wrap' });
    root.appendChild(head); root.appendChild(detail); root.appendChild(seq);
    function show() {
      var st = cx.steps[i];
      pos.textContent = 'step ' + i + ' of ' + (cx.steps.length - 1);
      detail.innerHTML = '';
      detail.appendChild(el('div', { class: 'ioctl' }, st.action.actor + ': ' + fmtAction(st.action)));
      detail.appendChild(el('div', { class: 'result' + (st.result.errno ? ' errno' : '') }, '\u2192 ' + fmtResult(st.result)));
      if (i === cx.violation.step) detail.appendChild(el('div', { class: 'violation' }, 'violated here: ' + cx.violation.message));
      var ul = el('ul', { class: 'diff' });
      var d = diff(i === 0 ? null : cx.steps[i - 1].state, st.state);
      if (d.length === 0) ul.appendChild(el('li', { class: 'same' }, 'no state change'));
      d.forEach(function (x) { ul.appendChild(el('li', { class: x[0] }, x[0] + ': ' + x[1])); });
      detail.appendChild(ul);
      seq.innerHTML = '';
      seq.appendChild(sequence(cx, i));
      prev.disabled = i === 0;
      next.disabled = i === cx.steps.length - 1;
    }
    prev.addEventListener('click', function () { if (i > 0) { i--; show(); } });
    next.addEventListener('click', function () { if (i < cx.steps.length - 1) { i++; show(); } });
    show();
  }
  data.counterexamples.forEach(function (cx, n) {
    var root = document.getElementById('cx-' + n);
    if (root) viewer(cx, root);
  });
})();
`;
