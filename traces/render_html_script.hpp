#pragma once
// The script of the HTML space-time page (render_html.cpp): it reads the embedded layout and draws
// on a canvas only the columns in view, so drawing costs what is visible, not the trace's length.
// Below a few pixels per column it aggregates: ticks instead of dots, arrows without heads.
// Errors are collected into #errors and #status, so a headless browser test can read them.
#include <string_view>

namespace corridor {

inline constexpr std::string_view space_time_script = R"JS(
(function () {
  'use strict';
  const status = document.getElementById('status');
  const errorList = document.getElementById('errors');
  let errorCount = 0;
  function recordError(text) {
    errorCount += 1;
    const li = document.createElement('li');
    li.textContent = 'script error: ' + text;
    errorList.appendChild(li);
    status.dataset.errors = String(errorCount);
  }
  window.addEventListener('error', function (e) { recordError(e.message); });
  try { main(); } catch (e) { recordError(String(e && e.stack || e)); }

  function main() {
    const D = JSON.parse(document.getElementById('trace-data').textContent);
    const G = D.geometry;
    const css = getComputedStyle(document.documentElement);
    const color = function (name) { return css.getPropertyValue('--' + name).trim() || '#888'; };
    const canvas = document.getElementById('diagram');
    const frame = document.getElementById('frame');
    const ctx = canvas.getContext('2d');
    const tip = document.getElementById('tip');
    const where = document.getElementById('where');
    const C = D.cols, M = D.marks, A = D.arrows, HB = D.history.bars;
    const nCols = C.x.length;
    const width = nCols ? C.x[nCols - 1] + 1 : 1;
    const lanesH = D.lanes.length * G.lane;
    const histTop = G.axis + lanesH + G.history_gap;
    const H = histTop + D.history.rows.length * G.history_row + 10;
    const longSpan = 64;  // arrows and bars longer than this many columns are always considered
    let W = 600, scale = G.unit, offset = 0, drawn = 0;

    // Arrows and history bars: short ones are found by binary search from the left edge, long
    // ones are kept apart so the search window stays small.
    const shortArrows = [], longArrows = [];
    for (let i = 0; i < A.fc.length; i++) (A.tc[i] - A.fc[i] > longSpan ? longArrows : shortArrows).push(i);
    const shortBars = [], longBars = [];
    for (let i = 0; i < HB.length; i++) (HB[i][2] - HB[i][1] > longSpan ? longBars : shortBars).push(i);

    function lowerBound(n, key, value) {
      let lo = 0, hi = n;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (key(mid) < value) lo = mid + 1; else hi = mid; }
      return lo;
    }
    const colAtUnit = function (u) { return lowerBound(nCols, function (i) { return C.x[i]; }, u); };
    const xOf = function (col) { return G.label + (C.x[col] + 0.5 - offset) * scale; };
    const yOf = function (lane) { return G.axis + (lane + 0.5) * G.lane; };
    const plotW = function () { return Math.max(50, W - G.label - 12); };
    const fitScale = function () { return plotW() / width; };
    const clampView = function () {
      scale = Math.min(60, Math.max(Math.min(fitScale(), G.unit), scale));
      offset = Math.max(-2, Math.min(width - plotW() / scale + 2, offset));
      if (width * scale < plotW()) offset = -1;
    };

    function resize() {
      W = Math.max(300, frame.clientWidth);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(W * dpr);
      canvas.height = Math.round(H * dpr);
      canvas.style.width = W + 'px';
      canvas.style.height = H + 'px';
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    }

    function visibleColumns() {
      const c0 = Math.max(0, colAtUnit(offset - 1) - 1);
      const c1 = Math.min(nCols - 1, colAtUnit(offset + plotW() / scale + 1));
      return [c0, c1];
    }

    function drawLanes() {
      ctx.fillStyle = color('paper');
      ctx.fillRect(0, 0, W, H);
      ctx.strokeStyle = '#cfd8dc';
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let l = 0; l < D.lanes.length; l++) { ctx.moveTo(G.label, yOf(l)); ctx.lineTo(W - 4, yOf(l)); }
      ctx.stroke();
      ctx.lineWidth = 1;
    }

    function drawBands(c0, c1) {
      for (const b of D.bands) {
        if (b[2] < c0 || b[1] > c1) continue;
        const x0 = xOf(b[1]) - scale / 2, x1 = xOf(b[2]) + scale / 2;
        const h = b[3] === 'clock' ? G.lane - 4 : G.lane - 8;
        ctx.fillStyle = color(b[3]);
        ctx.fillRect(x0, yOf(b[0]) - h / 2, Math.max(2, x1 - x0), h);
        drawn++;
      }
    }

    function drawGaps(c0, c1) {
      ctx.strokeStyle = color('muted');
      ctx.setLineDash([2, 3]);
      ctx.fillStyle = color('muted');
      ctx.font = '10px system-ui, sans-serif';
      let lastLabel = -1e9;
      for (const g of C.gaps) {
        if (g[0] < c0 || g[0] > c1) continue;
        const x = xOf(g[0]) - (1.5) * scale;
        ctx.beginPath(); ctx.moveTo(x, G.axis); ctx.lineTo(x, G.axis + lanesH); ctx.stroke();
        if (scale > 4 && x - lastLabel > 60) { ctx.fillText('… ' + g[1], x + 2, G.axis + lanesH + 11); lastLabel = x; }
      }
      ctx.setLineDash([]);
    }

    function drawViolation(c0, c1) {
      const v = D.violation;
      if (!v || v.col < c0 || v.col > c1) return;
      const x = xOf(v.col) - Math.max(scale, 6) / 2;
      ctx.fillStyle = color('violation');
      ctx.fillRect(x, G.axis, Math.max(scale, 6), lanesH);
      ctx.strokeStyle = color('violation-edge');
      ctx.strokeRect(x, G.axis, Math.max(scale, 6), lanesH);
      for (const l of v.lanes) {
        ctx.strokeRect(x - 3, yOf(l) - G.lane / 2 + 2, Math.max(scale, 6) + 6, G.lane - 4);
      }
    }

    function arrowPath(i, heads) {
      const x0 = xOf(A.fc[i]), y0 = yOf(A.fl[i]);
      let x1 = xOf(A.tc[i]), y1 = yOf(A.tl[i]);
      const kind = A.kind[i];
      if (kind === 'dropped') y1 = y0 + (y1 - y0) * 0.6;
      ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
      if (kind === 'dropped') {
        ctx.moveTo(x1 - 4, y1 - 4); ctx.lineTo(x1 + 4, y1 + 4); ctx.moveTo(x1 + 4, y1 - 4); ctx.lineTo(x1 - 4, y1 + 4);
      } else if (heads) {
        const angle = Math.atan2(y1 - y0, x1 - x0);
        const back = G.radius + 1;
        const hx = x1 - back * Math.cos(angle), hy = y1 - back * Math.sin(angle);
        ctx.moveTo(hx, hy); ctx.lineTo(hx - 7 * Math.cos(angle - 0.4), hy - 7 * Math.sin(angle - 0.4));
        ctx.moveTo(hx, hy); ctx.lineTo(hx - 7 * Math.cos(angle + 0.4), hy - 7 * Math.sin(angle + 0.4));
      }
    }

    function drawArrows(c0, c1) {
      const heads = scale >= 4;
      const groups = { delivered: [], duplicate: [], dropped: [], 'in-flight': [] };
      const first = lowerBound(shortArrows.length, function (k) { return A.fc[shortArrows[k]]; }, c0 - longSpan);
      for (let k = first; k < shortArrows.length && A.fc[shortArrows[k]] <= c1; k++) {
        const i = shortArrows[k];
        if (A.tc[i] >= c0) groups[A.kind[i]].push(i);
      }
      for (const i of longArrows) if (A.fc[i] <= c1 && A.tc[i] >= c0) groups[A.kind[i]].push(i);
      const styles = { delivered: ['arrow', []], duplicate: ['duplicate', [5, 3]], dropped: ['dropped', [2, 2]],
                       'in-flight': ['in-flight', [1, 3]] };
      ctx.globalAlpha = heads ? 1 : 0.45;
      ctx.lineWidth = heads ? 1.2 : 1;
      for (const kind in groups) {
        if (!groups[kind].length) continue;
        ctx.strokeStyle = color(styles[kind][0]);
        ctx.setLineDash(styles[kind][1]);
        ctx.beginPath();
        for (const i of groups[kind]) arrowPath(i, heads);
        ctx.stroke();
        drawn += groups[kind].length;
      }
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1;
    }

    const markColor = { send: 'send', deliver: 'deliver', timer: 'timer', note: 'note', history: 'history' };
    function drawMarks(c0, c1) {
      const first = lowerBound(M.col.length, function (k) { return M.col[k]; }, c0);
      const dots = scale >= 3;
      for (let k = first; k < M.col.length && M.col[k] <= c1; k++) {
        ctx.fillStyle = color(markColor[M.kind[k]] || 'handler');
        const x = xOf(M.col[k]), y = yOf(M.lane[k]);
        if (dots) { ctx.beginPath(); ctx.arc(x, y, G.radius, 0, 2 * Math.PI); ctx.fill(); }
        else ctx.fillRect(x - 0.5, y - G.radius, 1, 2 * G.radius);
        drawn++;
      }
    }

    function drawBadges(c0, c1) {
      ctx.fillStyle = color('badge');
      for (const b of D.badges) {
        if (b[0] < c0 || b[0] > c1) continue;
        const x = xOf(b[0]), y = yOf(b[1]) - G.lane / 2 + 5;
        ctx.beginPath(); ctx.moveTo(x, y - 5); ctx.lineTo(x + 5, y); ctx.lineTo(x, y + 5); ctx.lineTo(x - 5, y); ctx.fill();
        drawn++;
      }
    }

    function drawHistory(c0, c1) {
      ctx.font = '11px system-ui, sans-serif';
      const bar = function (b) {
        if (b[2] < c0 || b[1] > c1) return;
        const x0 = xOf(b[1]) - 3, x1 = xOf(b[2]) + 3;
        ctx.fillStyle = color('op-' + b[3]);
        ctx.fillRect(x0, histTop + b[0] * G.history_row + 3, Math.max(3, x1 - x0), G.history_row - 6);
        drawn++;
      };
      const first = lowerBound(shortBars.length, function (k) { return HB[shortBars[k]][1]; }, c0 - longSpan);
      for (let k = first; k < shortBars.length && HB[shortBars[k]][1] <= c1; k++) bar(HB[shortBars[k]]);
      for (const i of longBars) bar(HB[i]);
    }

    function drawLabels(c0, c1) {
      ctx.fillStyle = color('paper');
      ctx.fillRect(0, 0, G.label, H);
      ctx.fillRect(0, 0, W, G.axis);
      ctx.font = '12px system-ui, sans-serif';
      const violating = D.violation ? D.violation.lanes : [];
      for (let l = 0; l < D.lanes.length; l++) {
        ctx.fillStyle = violating.indexOf(l) >= 0 ? color('violation-edge') : color('ink');
        ctx.fillText(D.lanes[l][0], 8, yOf(l) + 4);
      }
      ctx.fillStyle = color('muted');
      if (D.history.rows.length) ctx.fillText('history', 8, histTop - 5);
      for (let r = 0; r < D.history.rows.length; r++) {
        ctx.fillStyle = color('ink');
        ctx.fillText(D.history.rows[r], 8, histTop + r * G.history_row + 13);
      }
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillStyle = color('muted');
      let last = -1e9;
      for (let c = c0; c <= c1; c++) {
        const x = xOf(c);
        if (x - last < 90 || x < G.label) continue;
        last = x;
        ctx.fillText('step ' + C.step[c] + ' · ' + C.t[c], x - 4, 14);
      }
    }

    function draw() {
      const t0 = performance.now();
      drawn = 0;
      clampView();
      drawLanes();
      if (nCols) {
        const [c0, c1] = visibleColumns();
        drawBands(c0, c1);
        drawGaps(c0, c1);
        drawViolation(c0, c1);
        drawArrows(c0, c1);
        drawMarks(c0, c1);
        drawBadges(c0, c1);
        drawHistory(c0, c1);
        drawLabels(c0, c1);
        where.textContent = 'steps ' + C.step[c0] + '–' + C.step[c1] + ' of ' + C.step[0] + '–' + C.step[nCols - 1];
      } else {
        drawLabels(0, -1);
        where.textContent = 'no events in this window';
      }
      const ms = performance.now() - t0;
      status.dataset.lanes = String(D.lanes.length);
      status.dataset.columns = String(nCols);
      status.dataset.drawn = String(drawn);
      status.dataset.drawMs = ms.toFixed(2);
      return ms;
    }

    function zoomAt(px, factor) {
      const u = offset + (px - G.label) / scale;
      scale *= factor;
      clampView();
      offset = u - (px - G.label) / scale;
      draw();
    }
    function showColumn(col, atFraction) {
      scale = G.unit;
      clampView();
      offset = C.x[col] - (plotW() * atFraction) / scale;
      draw();
    }
    function fit() { scale = fitScale(); offset = -1; draw(); }

    function hoverText(px, py) {
      const u = offset + (px - G.label) / scale;
      if (py >= histTop) {
        const row = Math.floor((py - histTop) / G.history_row);
        for (const b of HB) {
          if (b[0] === row && xOf(b[1]) - 3 <= px && px <= xOf(b[2]) + 3) return { text: D.history.rows[row] + ': ' + b[4] };
        }
        return null;
      }
      const lane = Math.floor((py - G.axis) / G.lane);
      if (lane < 0 || lane >= D.lanes.length) return null;
      const reach = 7 / scale;
      const c0 = colAtUnit(u - reach - 0.5), c1 = colAtUnit(u + reach - 0.5);
      let best = -1, bestDistance = 1e9;
      for (let k = lowerBound(M.col.length, function (i) { return M.col[i]; }, c0); k < M.col.length && M.col[k] <= c1; k++) {
        if (M.lane[k] !== lane) continue;
        const d = Math.abs(xOf(M.col[k]) - px);
        if (d < bestDistance) { best = k; bestDistance = d; }
      }
      const lines = [];
      let state = 0;
      if (best >= 0) {
        const col = M.col[best];
        lines.push('step ' + C.step[col] + ', t=' + C.t[col]);
        for (let k = lowerBound(M.col.length, function (i) { return M.col[i]; }, col); k < M.col.length && M.col[k] === col; k++) {
          if (M.lane[k] !== lane) continue;
          lines.push(M.text[k]);
          state = M.state[k];
        }
      }
      for (const b of D.badges) if (b[1] === lane && Math.abs(xOf(b[0]) - px) < 7) lines.push('◆ ' + b[2]);
      for (const b of D.bands) {
        if (b[0] === lane && xOf(b[1]) - scale / 2 <= px && px <= xOf(b[2]) + scale / 2) lines.push(b[3] + ': ' + b[4]);
      }
      if (D.violation && Math.abs(xOf(D.violation.col) - px) < Math.max(scale, 6) / 2 + 1) lines.push(D.violation.text);
      if (!lines.length) return null;
      return { text: lines.join('\n'), state: state ? D.states[state] : '' };
    }

    function showTip(e) {
      const rect = canvas.getBoundingClientRect();
      const found = hoverText(e.clientX - rect.left, e.clientY - rect.top);
      if (!found) { tip.style.display = 'none'; return; }
      tip.textContent = found.text;
      if (found.state) {
        const s = document.createElement('span');
        s.className = 'state';
        s.textContent = 'state: ' + (found.state.length > 2000 ? found.state.slice(0, 2000) + '…' : found.state);
        tip.appendChild(s);
      }
      tip.style.display = 'block';
      tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 580) + 'px';
      tip.style.top = (e.clientY + 14) + 'px';
    }

    let dragX = null;
    canvas.addEventListener('mousedown', function (e) { dragX = e.clientX; frame.classList.add('dragging'); });
    window.addEventListener('mouseup', function () { dragX = null; frame.classList.remove('dragging'); });
    window.addEventListener('mousemove', function (e) {
      if (dragX !== null) { offset -= (e.clientX - dragX) / scale; dragX = e.clientX; draw(); return; }
      if (e.target === canvas) showTip(e); else tip.style.display = 'none';
    });
    canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) { offset += e.deltaX / scale; draw(); return; }
      zoomAt(e.clientX - rect.left, e.deltaY < 0 ? 1.25 : 0.8);
    }, { passive: false });
    window.addEventListener('keydown', function (e) {
      if (e.key === '+' || e.key === '=') zoomAt(G.label + plotW() / 2, 1.25);
      else if (e.key === '-') zoomAt(G.label + plotW() / 2, 0.8);
      else if (e.key === 'ArrowRight') { offset += plotW() / scale / 4; draw(); }
      else if (e.key === 'ArrowLeft') { offset -= plotW() / scale / 4; draw(); }
    });
    document.getElementById('fit').onclick = fit;
    document.getElementById('zoom-in').onclick = function () { zoomAt(G.label + plotW() / 2, 1.5); };
    document.getElementById('zoom-out').onclick = function () { zoomAt(G.label + plotW() / 2, 1 / 1.5); };
    const toViolation = document.getElementById('to-violation');
    if (toViolation) toViolation.onclick = function () { showColumn(D.violation.col, 0.75); };
    window.addEventListener('resize', function () { resize(); draw(); });

    resize();
    // Open on the whole run when it fits at a readable zoom, else on the violation (or the start).
    if (width * 4 <= plotW()) fit();
    else if (D.violation) showColumn(D.violation.col, 0.75);
    else { scale = G.unit; offset = -1; draw(); }

    // #bench in the address: time the fitted view and a pan across the run at the default zoom.
    if (location.hash === '#bench') {
      scale = fitScale(); offset = -1;
      const fitMs = draw();
      const times = [];
      scale = G.unit;
      for (let i = 0; i < 20; i++) { offset = (width * i) / 20; times.push(draw()); }
      times.sort(function (a, b) { return a - b; });
      status.dataset.benchFitMs = fitMs.toFixed(2);
      status.dataset.benchPanMedianMs = times[times.length >> 1].toFixed(2);
      status.dataset.benchPanMaxMs = times[times.length - 1].toFixed(2);
    }
    status.dataset.ready = '1';
  }
})();
)JS";

}  // namespace corridor
