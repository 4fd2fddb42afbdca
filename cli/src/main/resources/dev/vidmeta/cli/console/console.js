// vidmeta console: plain DOM, no libraries. Every value from the API goes in through textContent, never as HTML.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
// pages: the ListExecutions token of each page seen so far (null for the first); page: the one shown.
const state = { status: '', selected: null, detail: null, timer: null, pages: [null], page: 0 };
const PAGE_SIZE = 100;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  children.forEach(c => node.append(c));
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) {
    throw new Error((body.error || response.status) + ': ' + (body.message || ''));
  }
  return body;
}

function duration(start, stop) {
  const ms = (stop ? Date.parse(stop) : Date.now()) - Date.parse(start);
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

// ---------------------------------------------------------------------------------------- list

// The list is loaded on a timer and on every click, so answers can arrive out of order. Only the newest request's
// answer is shown, against the page it asked for: an older answer would put one page's rows under another's range.
let listRequests = 0;

async function loadList() {
  const message = document.getElementById('list-message');
  const request = ++listRequests;
  const page = state.page;
  try {
    const query = new URLSearchParams();
    if (state.status) query.set('status', state.status);
    if (state.pages[page]) query.set('page', state.pages[page]);
    const data = await api('/api/executions?' + query);
    if (request !== listRequests) return;
    document.getElementById('machine').textContent = data.stateMachineArn;
    const body = document.querySelector('#executions tbody');
    body.replaceChildren(...data.executions.map(row));
    message.textContent = data.executions.length ? '' : 'No executions' + (state.status ? ' with status ' + state.status : '') + '.';
    state.pages[page + 1] = data.nextToken || undefined;
    const first = page * PAGE_SIZE;
    document.getElementById('page-range').textContent = data.executions.length
      ? (first + 1) + '–' + (first + data.executions.length) : '';
    document.getElementById('newer').disabled = page === 0;
    document.getElementById('older').disabled = !data.nextToken;
  } catch (e) {
    if (request !== listRequests) return;
    message.textContent = 'Cannot list executions: ' + e.message;
  }
}

// Each filter button shows how many executions have its status; All shows the total.
async function loadCounts() {
  try {
    const data = await api('/api/counts');
    const more = data.complete ? '' : '+';
    document.querySelectorAll('#filters button').forEach(button => {
      const n = button.dataset.status ? (data.counts[button.dataset.status] || 0) : data.total;
      let count = button.querySelector('.count');
      if (!count) {
        count = el('span', { class: 'count' });
        button.append(' ', count);
      }
      count.textContent = n + more;
    });
  } catch (e) {
    document.getElementById('list-message').textContent = 'Cannot count executions: ' + e.message;
  }
}

function turnPage(delta) {
  state.page = Math.max(0, state.page + delta);
  loadList();
}

function row(execution) {
  const tr = el('tr', { 'data-arn': execution.executionArn, 'data-status': execution.status },
    el('td', {}, el('div', {}, execution.name), el('div', { class: 'object' }, execution.object || '')),
    el('td', {}, el('span', { class: 'badge ' + execution.status }, execution.status)),
    el('td', {}, time(execution.startDate)),
    el('td', {}, duration(execution.startDate, execution.stopDate)));
  if (execution.executionArn === state.selected) tr.classList.add('selected');
  tr.addEventListener('click', () => select(execution.executionArn));
  return tr;
}

// ---------------------------------------------------------------------------------------- detail

function select(arn) {
  state.selected = arn;
  location.hash = 'arn=' + encodeURIComponent(arn);
  document.getElementById('replay-result').textContent = '';
  document.querySelectorAll('#executions tbody tr').forEach(tr => tr.classList.toggle('selected', tr.dataset.arn === arn));
  loadDetail();
}

async function loadDetail() {
  if (!state.selected) return;
  const arn = state.selected;
  const pane = document.getElementById('detail-pane');
  try {
    const data = await api('/api/execution?arn=' + encodeURIComponent(arn));
    if (arn !== state.selected) return;
    pane.hidden = false;
    renderHeader(data.execution);
    renderGraph(data.graph, data.states);
    renderHistory(data.events);
    loadRecord(arn);
  } catch (e) {
    pane.hidden = false;
    document.getElementById('detail-error').hidden = false;
    document.getElementById('detail-error').textContent = 'Cannot load the execution: ' + e.message;
  }
}

function renderHeader(execution) {
  document.getElementById('detail-name').textContent = execution.name;
  const badge = document.getElementById('detail-status');
  badge.textContent = execution.status + (execution.redriveCount ? ' (redriven ' + execution.redriveCount + 'x)' : '');
  badge.className = 'badge ' + execution.status;
  document.getElementById('detail-object').textContent = execution.object || '(input is not an S3 Object Created event)';
  const error = document.getElementById('detail-error');
  error.hidden = !execution.error;
  const cause = execution.cause || '';
  error.textContent = execution.error ? execution.error + ': ' + (cause.length > 600 ? cause.slice(0, 600) + '…' : cause) : '';
  const replay = document.getElementById('replay');
  replay.hidden = !['FAILED', 'TIMED_OUT', 'ABORTED'].includes(execution.status);
  replay.disabled = false;
  replay.title = execution.redriveStatus === 'REDRIVABLE'
    ? 'Redrive from the failed states' : 'Start a new execution with the same input' + (execution.redriveStatusReason ? ' (' + execution.redriveStatusReason + ')' : '');
}

function renderGraph(graph, statuses) {
  const pad = 12;
  const root = svg('svg', { width: graph.width + 2 * pad + 20, height: graph.height + 2 * pad,
    viewBox: `${-pad} ${-pad} ${graph.width + 2 * pad + 20} ${graph.height + 2 * pad}`, role: 'img' });
  const defs = svg('defs');
  const arrow = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
  arrow.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#879596' }));
  defs.append(arrow);
  root.append(defs);
  // Frames first so the boxes and arrows inside them draw on top.
  const frames = graph.nodes.filter(n => n.type === 'Parallel' || n.type === 'Map');
  frames.forEach(n => root.append(frame(n, statuses[n.id])));
  graph.edges.forEach(e => root.append(edge(e)));
  graph.nodes.filter(n => !frames.includes(n)).forEach(n => root.append(box(n, statuses[n.id])));
  document.getElementById('graph').replaceChildren(root);
}

function statusClass(status) {
  return 'st-' + (status || 'NOT_RUN');
}

function box(node, status) {
  if (node.type === 'Start' || node.type === 'End') {
    const g = svg('g', { class: 'marker', 'data-state': node.id });
    g.append(svg('circle', { cx: node.x + node.w / 2, cy: node.y + node.h / 2, r: node.w / 2 }));
    const t = svg('text', { x: node.x + node.w / 2, y: node.y + node.h / 2 });
    t.textContent = node.type;
    g.append(t);
    return g;
  }
  const g = svg('g', { class: 'state ' + statusClass(status), 'data-state': node.id, 'data-status': status || 'NOT_RUN' });
  g.append(svg('rect', { x: node.x, y: node.y, width: node.w, height: node.h, rx: 4 }));
  const title = svg('title');
  title.textContent = node.id + ' (' + node.type + '): ' + (status || 'NOT_RUN');
  g.append(title);
  const t = svg('text', { x: node.x + node.w / 2, y: node.y + node.h / 2 });
  t.textContent = node.id.length > 26 ? node.id.slice(0, 25) + '…' : node.id;
  g.append(t);
  return g;
}

function frame(node, status) {
  const g = svg('g', { class: 'state frame ' + statusClass(status), 'data-state': node.id, 'data-status': status || 'NOT_RUN' });
  const rect = svg('rect', { x: node.x, y: node.y, width: node.w, height: node.h, rx: 6 });
  g.append(rect);
  const t = svg('text', { x: node.x + 11, y: node.y + 15, 'dominant-baseline': 'middle', 'text-anchor': 'start' });
  t.textContent = node.id;
  g.append(t);
  const title = svg('title');
  title.textContent = node.id + ' (' + node.type + '): ' + (status || 'NOT_RUN');
  g.append(title);
  return g;
}

function edge(e) {
  const p = e.points;
  let d;
  if (p.length === 2) {
    const midY = (p[0][1] + p[1][1]) / 2;
    d = `M${p[0][0]},${p[0][1]} C${p[0][0]},${midY} ${p[1][0]},${midY} ${p[1][0]},${p[1][1]}`;
  } else {
    d = 'M' + p.map(q => q[0] + ',' + q[1]).join(' L');
  }
  const path = svg('path', { d, class: 'edge ' + e.kind, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to });
  return path;
}

function renderHistory(events) {
  const start = events.length ? Date.parse(events[0].timestamp) : 0;
  const rows = events.map(ev => {
    const detailsKey = Object.keys(ev).find(k => k.endsWith('EventDetails'));
    const details = detailsKey ? ev[detailsKey] : null;
    let summary = '';
    if (details) {
      if (details.error || details.cause) summary = [details.error, details.cause].filter(Boolean).join(': ');
      else if (details.resource) summary = details.resourceType + ':' + details.resource;
      else if (details.output) summary = details.output;
      else if (details.input) summary = details.input;
    }
    if (summary.length > 160) summary = summary.slice(0, 160) + '…';
    const failure = /(Failed|TimedOut|Aborted)$/.test(ev.type);
    return el('tr', { 'data-type': ev.type, class: failure ? 'error' : '' },
      el('td', {}, String(ev.id)), el('td', {}, ev.type), el('td', {}, ev.state || ''),
      el('td', {}, (Date.parse(ev.timestamp) - start) + ' ms'), el('td', { class: 'details' }, summary));
  });
  document.querySelector('#history tbody').replaceChildren(...rows);
}

async function loadRecord(arn) {
  const pre = document.getElementById('record');
  try {
    const data = await api('/api/record?arn=' + encodeURIComponent(arn));
    if (arn !== state.selected) return;
    document.getElementById('record-key').textContent = data.pk ? `${data.table} / pk = ${data.pk}` : '';
    pre.textContent = data.item ? JSON.stringify(data.item, null, 2) : data.message;
    pre.dataset.found = data.item ? 'true' : 'false';
  } catch (e) {
    pre.textContent = 'Cannot read the record: ' + e.message;
    pre.dataset.found = 'false';
  }
}

async function replay() {
  const button = document.getElementById('replay');
  const result = document.getElementById('replay-result');
  button.disabled = true;
  try {
    const outcome = await api('/api/replay?arn=' + encodeURIComponent(state.selected),
      { method: 'POST', headers: { 'X-Vidmeta-Console': '1' } });
    result.textContent = outcome.action + ': ' + outcome.detail;
    result.dataset.action = outcome.action;
    await loadList();
    if (outcome.executionArn && outcome.executionArn !== state.selected) {
      select(outcome.executionArn);
      result.textContent = outcome.action + ': ' + outcome.detail;
      result.dataset.action = outcome.action;
    } else {
      loadDetail();
    }
  } catch (e) {
    result.textContent = 'Replay failed: ' + e.message;
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------------------- wiring

document.querySelectorAll('#filters button').forEach(button => button.addEventListener('click', () => {
  state.status = button.dataset.status;
  state.pages = [null];
  state.page = 0;
  document.querySelectorAll('#filters button').forEach(b => b.classList.toggle('active', b === button));
  loadList();
}));
document.getElementById('newer').addEventListener('click', () => turnPage(-1));
document.getElementById('older').addEventListener('click', () => turnPage(1));
document.getElementById('replay').addEventListener('click', replay);

function refresh() {
  loadList();
  loadCounts();
  // A running execution changes; a closed one does not, until someone replays it.
  const status = document.getElementById('detail-status').className;
  if (state.selected && !/SUCCEEDED|FAILED|TIMED_OUT|ABORTED/.test(status)) loadDetail();
}

const fromHash = new URLSearchParams(location.hash.slice(1)).get('arn');
loadList();
loadCounts();
if (fromHash) select(fromHash);
state.timer = setInterval(refresh, 2000);
