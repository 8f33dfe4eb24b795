// Valley's dashboard: plain ES modules against the REST API and its Server-Sent Events stream.
// The API key is kept in this browser only (localStorage), sent as a bearer header, and as ?key= to
// the event stream, which EventSource cannot give headers to.
import { drawFloor, paint } from './floormap.js';

const $ = sel => document.querySelector(sel);
const state = { key: null, me: null, sites: [], site: null, floor: null, nodes: new Map(), spaces: new Map(), stream: null };

function escape(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

async function api(path, options = {}) {
  const response = await fetch('/api/v1' + path, {
    ...options,
    headers: { authorization: 'Bearer ' + state.key, 'content-type': 'application/json', ...(options.headers || {}) },
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(body && (body.detail || body.title) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'medium' }) : '—';
}

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

// ---------- sign-in and routing ----------

async function signIn(key) {
  state.key = key;
  state.me = await api('/me');
  localStorage.setItem('valley.key', key);
  document.querySelectorAll('[data-operator]').forEach(a => { a.hidden = state.me.role === 'occupant'; });
  connectStream();
}

function signOut() {
  localStorage.removeItem('valley.key');
  state.key = null;
  if (state.stream) state.stream.close();
  location.hash = '#/login';
  route();
}

const views = ['login', 'map', 'find', 'nap', 'bookings', 'fleet', 'device'];

async function route() {
  const [view, arg] = (location.hash.replace(/^#\//, '') || 'map').split('/');
  const name = !state.key ? 'login' : views.includes(view) ? view : 'map';
  for (const v of views) {
    const section = document.getElementById(v === 'login' ? 'login' : 'view-' + v);
    section.hidden = v !== name;
  }
  document.querySelectorAll('.top nav a').forEach(a => {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  try {
    if (name === 'map') await showMap(arg && decodeURIComponent(arg));
    if (name === 'find') $('#find-form [name=kind]').focus();
    if (name === 'nap') await showNap();
    if (name === 'bookings') await showBookings();
    if (name === 'fleet') await showFleet();
    if (name === 'device') await showDevice(decodeURIComponent(arg || ''));
  } catch (e) {
    if (e.status === 401) return signOut();
    console.error(e);
  }
}

// ---------- live stream ----------

function connectStream() {
  if (state.stream) state.stream.close();
  const stream = new EventSource('/api/v1/stream?topics=spaces&key=' + encodeURIComponent(state.key));
  const live = $('#live');
  stream.onopen = () => { live.textContent = 'live'; live.classList.add('on'); };
  stream.onerror = () => { live.textContent = 'reconnecting…'; live.classList.remove('on'); };
  const onSpace = message => {
    const status = JSON.parse(message.data);
    const id = status.space || status.id;
    if (!id) return;
    const merged = { ...(state.spaces.get(id) || {}), ...status };
    state.spaces.set(id, merged);
    const node = state.nodes.get(id);
    if (node) paint(node, merged);
    if (!$('#view-nap').hidden) renderNap();
    summary();
  };
  stream.onmessage = onSpace;
  stream.addEventListener('space', onSpace);
  state.stream = stream;
}

// ---------- floor map ----------

// The site list, each site's document and its spaces' live states: the documents and states of all
// sites are fetched at once, not one after the other.
async function loadSites() {
  if (!state.sites.length) {
    const list = await api('/sites');
    state.sites = await Promise.all(list.map(async s => {
      const [doc] = await Promise.all([api('/sites/' + encodeURIComponent(s.id)), loadSpaces(s.id)]);
      return doc;
    }));
  }
  return state.sites;
}

async function loadSpaces(siteId) {
  const list = await api('/spaces?site=' + encodeURIComponent(siteId));
  for (const s of list) state.spaces.set(s.id, s);
  return list;
}

function floorsOf(site) {
  return (site.buildings || []).flatMap(b => (b.floors || []).map(f => ({ ...f, building: b })));
}

async function showMap(siteId) {
  const fresh = !state.sites.length;
  const sites = await loadSites();
  const select = $('#map-site');
  if (!sites.length) {
    $('#map').innerHTML = '<p class="muted" style="padding:1rem">No site yet: PUT one at /api/v1/sites/{id}.</p>';
    return;
  }
  select.innerHTML = sites.map(s => `<option value="${escape(s.id)}">${escape(s.name || s.id)}</option>`).join('');
  state.site = sites.find(s => s.id === siteId) || state.site && sites.find(s => s.id === state.site.id) || sites[0];
  select.value = state.site.id;
  if (!fresh) await loadSpaces(state.site.id);
  const floors = floorsOf(state.site);
  const tabs = $('#map-floors');
  tabs.innerHTML = floors.map(f => `<button type="button" role="tab" data-floor="${escape(f.id)}">${escape(f.name || f.id)}</button>`).join('');
  state.floor = state.floor && floors.find(f => f.id === state.floor.id) || floors[0];
  renderFloor();
}

function renderFloor() {
  const floor = state.floor;
  document.querySelectorAll('#map-floors button').forEach(b => b.setAttribute('aria-selected', String(b.dataset.floor === floor.id)));
  state.nodes = drawFloor($('#map'), floor, (state.site.name || state.site.id) + ', ' + (floor.name || floor.id));
  for (const [id, node] of state.nodes) paint(node, state.spaces.get(id) || {});
  summary();
  performance.mark('valley-floor-rendered'); // read by the dashboard benchmark
}

function summary() {
  if (!state.floor || $('#view-map').hidden) return;
  let free = 0, occupied = 0, unknown = 0;
  for (const [id] of state.nodes) {
    const s = (state.spaces.get(id) || {}).state || 'unknown';
    if (s === 'free') free++; else if (s === 'occupied') occupied++; else unknown++;
  }
  $('#map-summary').textContent = `${free} free, ${occupied} occupied, ${unknown} unknown on this floor`;
}

$('#map-site').addEventListener('change', e => {
  state.floor = null;
  location.hash = '#/map/' + encodeURIComponent(e.target.value);
});
$('#map-floors').addEventListener('click', e => {
  const id = e.target.dataset && e.target.dataset.floor;
  if (!id) return;
  state.floor = floorsOf(state.site).find(f => f.id === id);
  renderFloor();
});

// ---------- find a room ----------

$('#find-form').addEventListener('submit', async e => {
  e.preventDefault();
  const form = new FormData(e.target);
  const params = new URLSearchParams();
  for (const [k, v] of form) if (String(v).trim()) params.set(k, String(v).trim());
  const status = $('#find-status');
  status.textContent = 'Searching…';
  try {
    const found = await api('/availability?' + params);
    status.textContent = found.length ? `${found.length} free now` : 'Nothing free matches: try fewer people or a shorter time.';
    const duration = form.get('duration') || 'PT30M';
    $('#find-results').innerHTML = found.map(s => {
      const id = s.space || s.id;
      return `<li data-space="${escape(id)}"><h2>${escape(s.name || id)}</h2>
        <p>${escape(s.kind || '')}${s.capacity ? ' · ' + s.capacity + ' seats' : ''}${s.floor ? ' · ' + escape(s.floor) : ''}</p>
        <p>${s.freeUntil ? 'free until ' + clock(s.freeUntil) : 'free for the rest of the day'}</p>
        ${(s.equipment || []).length ? `<p class="muted">${escape(s.equipment.join(', '))}</p>` : ''}
        <button type="button" data-book="${escape(id)}" data-duration="${escape(duration)}">Book now</button></li>`;
    }).join('');
  } catch (err) {
    status.textContent = 'Search failed: ' + err.message;
  }
});

function durationMillis(iso) {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(iso) || [];
  return ((+m[1] || 0) * 60 + (+m[2] || 0)) * 60_000 || 30 * 60_000;
}

$('#find-results').addEventListener('click', async e => {
  const space = e.target.dataset && e.target.dataset.book;
  if (!space) return;
  const start = new Date();
  const end = new Date(start.getTime() + durationMillis(e.target.dataset.duration));
  const status = $('#find-status');
  try {
    const booking = await api('/bookings', { method: 'POST', body: JSON.stringify({
      space, start: start.toISOString(), end: end.toISOString(), organizer: state.me.tenant || 'operator' }) });
    status.textContent = `Booked ${space} until ${clock(booking.end)}.`;
    e.target.closest('li').remove();
  } catch (err) {
    status.textContent = 'Booking failed: ' + err.message;
  }
});

// ---------- nap room ----------

async function showNap() {
  const sites = await loadSites();
  for (const site of sites) await loadSpaces(site.id);
  renderNap();
}

function renderNap() {
  const rooms = state.sites.flatMap(site => floorsOf(site).flatMap(f => (f.spaces || [])
    .filter(s => s.kind === 'nap-room').map(s => ({ ...s, floorName: f.name || f.id }))));
  $('#nap-rooms').innerHTML = rooms.length ? rooms.map(room => {
    const live = state.spaces.get(room.id) || {};
    const pods = room.places || [];
    const free = live.freePlaces ?? pods.filter(p => (state.spaces.get(p.id) || {}).state === 'free').length;
    return `<article data-space="${escape(room.id)}"><h2>${escape(room.name || room.id)}</h2>
      <p class="muted">${escape(room.floorName)}</p>
      <div class="big${free ? '' : ' none'}" aria-label="${free} places free">${free}</div>
      <p>of ${pods.length} places free</p>
      <div class="pods">${pods.map(p => {
        const s = (state.spaces.get(p.id) || {}).state || 'unknown';
        return `<span class="pod state-${s}" title="${escape(p.name || p.id)}: ${s}" role="img" aria-label="${escape(p.name || p.id)}: ${s}">${escape((p.name || p.id).replace(/\D+/g, '') || '•')}</span>`;
      }).join('')}</div></article>`;
  }).join('') : '<p class="muted">No nap room in the sites you can see.</p>';
}

// ---------- bookings ----------

async function showBookings() {
  const list = await api('/bookings');
  $('#bookings-rows').innerHTML = list.map(b => `<tr><td>${escape(b.space)}</td><td>${time(b.start)}</td><td>${time(b.end)}</td>
    <td>${escape(b.organizer)}</td><td>${escape(b.status)}</td>
    <td>${b.status === 'booked' ? `<button type="button" class="secondary" data-cancel="${escape(b.id)}">Cancel</button>` : ''}</td></tr>`).join('')
    || '<tr><td colspan="6" class="muted">No bookings.</td></tr>';
}

$('#bookings-rows').addEventListener('click', async e => {
  const id = e.target.dataset && e.target.dataset.cancel;
  if (!id) return;
  await api('/bookings/' + encodeURIComponent(id) + '/cancel', { method: 'POST', body: '{}' });
  showBookings();
});

// ---------- fleet and devices ----------

const SILENT_MS = 60 * 60 * 1000;

async function showFleet() {
  const devices = await api('/devices');
  const now = Date.now();
  $('#fleet-rows').innerHTML = devices.map(d => {
    const silent = !d.lastSeen || now - Date.parse(d.lastSeen) > SILENT_MS;
    return `<tr class="${silent ? 'silent' : ''}"><td><a href="#/device/${encodeURIComponent(d.id)}">${escape(d.name || d.id)}</a></td>
      <td>${escape(d.network && d.network.kind)} <code>${escape(d.network && d.network.id)}</code></td>
      <td>${escape(d.space || '')}${d.role ? ' (' + escape(d.role) + ')' : ''}</td>
      <td>${d.lastSeen ? time(d.lastSeen) : 'never'}${silent ? ' — silent' : ''}</td>
      <td>${d.battery != null ? escape(d.battery) + ' %' : '—'}</td>
      <td>${link(d)}</td>
      <td>${d.frames ?? 0}</td><td>${d.lostFrames ?? 0}</td></tr>`;
  }).join('') || '<tr><td colspan="8" class="muted">No devices.</td></tr>';
}

function link(d) {
  if (d.rssi == null) return '—';
  return `${Math.round(d.rssi)} dBm${d.snr != null ? ' / ' + Math.round(d.snr) + ' dB' : ''}`;
}

async function showDevice(id) {
  const d = await api('/devices/' + encodeURIComponent(id));
  $('#device-title').textContent = d.name || d.id;
  const health = { Id: d.id, Network: `${d.network.kind} ${d.network.id}`, Codec: d.codec, Space: d.space, Role: d.role,
    'Last seen': time(d.lastSeen), Battery: d.battery != null ? d.battery + ' %' : '—', 'Link quality': link(d), Frames: d.frames,
    Duplicates: d.duplicates, 'Lost frames': d.lostFrames };
  $('#device-health').innerHTML = Object.entries(health).map(([k, v]) => `<dt>${k}</dt><dd>${escape(v ?? '—')}</dd>`).join('');
  const frames = await api('/devices/' + encodeURIComponent(id) + '/frames?limit=20');
  $('#device-frames').innerHTML = frames.map(f => `<tr><td>${time(f.receivedAt)}</td><td>${f.seq ?? ''}</td>
    <td><code>${escape(f.payloadHex)}</code></td>
    <td>${(f.receptions || []).map(r => `${escape(r.station || r.gateway)} ${r.rssi ?? ''} dBm${r.snr != null ? ' / ' + r.snr + ' dB' : ''}`).join('<br>')}</td>
    <td>${f.decodeError ? '<span class="error">' + escape(f.decodeError) + '</span>' : '<code>' + escape(JSON.stringify(f.decoded)) + '</code>'}</td></tr>`).join('');
  await charts(id);
}

async function charts(id) {
  const container = $('#device-charts');
  container.textContent = '';
  const readings = await api('/devices/' + encodeURIComponent(id) + '/readings?limit=2000');
  const byKey = new Map();
  for (const r of readings) {
    const v = typeof r.value === 'boolean' ? (r.value ? 1 : 0) : r.value;
    if (typeof v !== 'number') continue;
    if (!byKey.has(r.key)) byKey.set(r.key, []);
    byKey.get(r.key).push([Date.parse(r.ts) / 1000, v]);
  }
  if (!byKey.size) {
    container.innerHTML = '<p class="muted">No numeric readings yet.</p>';
    return;
  }
  for (const [key, points] of byKey) {
    points.sort((a, b) => a[0] - b[0]);
    const figure = document.createElement('figure');
    figure.setAttribute('aria-label', 'Chart of ' + key);
    container.appendChild(figure);
    const width = Math.max(300, Math.min(640, figure.clientWidth - 16));
    new window.uPlot({ title: key, width, height: 200, series: [{}, { label: key, stroke: '#0b57d0', width: 2 }] },
      [points.map(p => p[0]), points.map(p => p[1])], figure);
  }
}

// ---------- start ----------

$('#login-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    await signIn($('#login-key').value.trim());
    location.hash = '#/map';
    route();
  } catch (err) {
    $('#login-error').textContent = err.status === 401 ? 'This key is not known.' : 'Sign-in failed: ' + err.message;
  }
});
$('#signout').addEventListener('click', signOut);
window.addEventListener('hashchange', route);

(async () => {
  const fromUrl = new URLSearchParams(location.search).get('key');
  const saved = fromUrl || localStorage.getItem('valley.key');
  if (fromUrl) history.replaceState(null, '', location.pathname + location.hash);
  if (saved) {
    state.key = saved;
    const view = route(); // the view's requests go out beside the key's check
    try {
      await signIn(saved);
    } catch (e) {
      state.key = null;
      route();
      return;
    }
    await view;
    return;
  }
  route();
})();
