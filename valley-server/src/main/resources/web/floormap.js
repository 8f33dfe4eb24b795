// The floor map: an SVG drawn from the site model alone (the model has no coordinates). Rooms go in
// rows, each as wide as its capacity asks; a room made of places (a nap room's pods, an open space's
// desks) shows its places inside it; loose desks gather in one desk area. Every space is a <g> with
// its id, so a live update recolours one element without redrawing the floor.

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 1000;
const GAP = 12;

function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function roomWidth(space) {
  return Math.max(130, Math.min(260, 90 + 12 * (space.capacity || 1)));
}

// Places laid out in a grid inside their room: returns the room's size.
function placesGrid(count, placeW, placeH, maxWidth) {
  const perRow = Math.max(1, Math.floor((maxWidth - GAP) / (placeW + 6)));
  const rows = Math.ceil(count / perRow);
  return { perRow, width: Math.max(150, Math.min(count, perRow) * (placeW + 6) + GAP), height: 50 + rows * (placeH + 6) + 6 };
}

/** Draws `floor` (from the site document) into `container`; returns the map of space id → its <g>. */
export function drawFloor(container, floor, label) {
  container.textContent = '';
  const svg = el('svg', { role: 'group', 'aria-label': label });
  const nodes = new Map();
  const spaces = floor.spaces || [];
  const rooms = spaces.filter(s => s.kind !== 'desk' && !(s.places && s.places.length));
  const withPlaces = spaces.filter(s => s.places && s.places.length);
  const desks = spaces.filter(s => s.kind === 'desk' && !(s.places && s.places.length));
  let x = GAP, y = GAP, rowH = 0;
  const place = (w, h) => {
    if (x + w > WIDTH - GAP && x > GAP) { x = GAP; y += rowH + GAP; rowH = 0; }
    const at = { x, y };
    x += w + GAP; rowH = Math.max(rowH, h);
    return at;
  };
  for (const s of rooms) {
    const w = roomWidth(s), h = 86;
    const at = place(w, h);
    nodes.set(s.id, spaceNode(svg, s, at.x, at.y, w, h, true));
  }
  // rooms made of places, then loose desks, each on rows of their own
  const groups = withPlaces.map(s => ({ room: s, places: s.places }));
  if (desks.length) groups.push({ room: null, places: desks });
  for (const g of groups) {
    const small = g.room && g.room.kind === 'nap-room' ? [44, 44] : [38, 28];
    const size = placesGrid(g.places.length, small[0], small[1], WIDTH - 2 * GAP);
    if (x > GAP) { x = GAP; y += rowH + GAP; rowH = 0; }
    const at = place(size.width, size.height);
    let x0 = at.x + GAP / 2, y0 = at.y + 48;
    if (g.room) {
      nodes.set(g.room.id, spaceNode(svg, g.room, at.x, at.y, size.width, size.height, false));
    } else {
      el('rect', { x: at.x, y: at.y, width: size.width, height: size.height, rx: 6, class: 'area' }, svg);
      el('text', { x: at.x + 8, y: at.y + 19, class: 'area-label' }, svg).textContent = 'Desks';
    }
    g.places.forEach((p, i) => {
      const px = x0 + (i % size.perRow) * (small[0] + 6);
      const py = y0 + Math.floor(i / size.perRow) * (small[1] + 6);
      nodes.set(p.id, placeNode(svg, p, px, py, small[0], small[1]));
    });
  }
  const height = y + rowH + GAP;
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  container.appendChild(svg);
  return nodes;
}

function spaceNode(svg, s, x, y, w, h, filled) {
  const g = el('g', { class: filled ? 'space' : 'space container', 'data-space': s.id, tabindex: 0, role: 'img' }, svg);
  el('rect', { x, y, width: w, height: h, rx: 6, class: 'box state-unknown' }, g);
  const name = el('text', { x: x + 8, y: y + 20 }, g);
  name.textContent = s.name || s.id;
  el('text', { x: x + 8, y: y + 38, class: 'small info' }, g);
  g.dataset.name = s.name || s.id;
  g.dataset.capacity = s.capacity || '';
  return g;
}

function placeNode(svg, p, x, y, w, h) {
  const g = el('g', { class: 'space place', 'data-space': p.id, tabindex: 0, role: 'img' }, svg);
  el('rect', { x, y, width: w, height: h, rx: 4, class: 'box state-unknown' }, g);
  el('title', {}, g).textContent = p.name || p.id;
  g.dataset.name = p.name || p.id;
  return g;
}

/** Shows the live status of one space on its node. */
export function paint(node, status) {
  const state = status.state || 'unknown';
  const box = node.querySelector('rect.box');
  box.setAttribute('class', box.getAttribute('class').replace(/state-\w+/, 'state-' + state));
  node.dataset.state = state;
  const parts = [state];
  if (status.freePlaces != null) parts.push(status.freePlaces + ' free');
  else if (status.count != null && node.dataset.capacity) parts.push(status.count + '/' + node.dataset.capacity);
  if (status.freeUntil) parts.push('until ' + new Date(status.freeUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const info = node.querySelector('text.info');
  if (info) info.textContent = parts.join(' · ');
  node.setAttribute('aria-label', node.dataset.name + ': ' + parts.join(', '));
}
