// What the map draws for a viewport, from /map/: clusters (count, position, categories) at low zoom,
// suggestions at high zoom (at most 500, see geo/selectors.py).
//
// Every suggestion and cluster has one focusable marker (a divIcon, which Leaflet makes a role=button):
// points are drawn by it, lines on a canvas with a marker half-way along as their keyboard proxy. Updates are
// keyed by id, so a marker that has focus or an open popup survives a reload of the viewport; afterwards the
// markers' DOM order is north to south, then west to east.
//
// The markers are one tab stop together (a roving tabindex): Tab enters the layer on one marker (the last one
// used, else the northernmost), the arrow keys move to the next or previous one in that order, Home and End to
// the first and last, and the next Tab leaves the layer. With dozens of markers, a keyboard user would
// otherwise press Tab once for each before reaching the zoom buttons or anything after the map.
import L from 'leaflet';
import { element } from './dom.js';
import { interpolate, ngettext } from './i18n.js';
import { planningStatusLabel } from './statuses.js';

const coarse = window.matchMedia('(pointer: coarse)');

// The point half-way along a line (by plain lon/lat distance, good enough to pin a label or a proxy on it).
export function anchorOf(geometry) {
  if (geometry.type === 'Point') return L.latLng(geometry.coordinates[1], geometry.coordinates[0]);
  let line = geometry.coordinates;
  if (geometry.type === 'MultiLineString' || geometry.type === 'Polygon') line = line[0];
  if (geometry.type === 'MultiPolygon') line = line[0][0];
  const lengths = [];
  let total = 0;
  for (let i = 1; i < line.length; i += 1) {
    const step = Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]);
    lengths.push(step);
    total += step;
  }
  let left = total / 2;
  for (let i = 1; i < line.length; i += 1) {
    if (left <= lengths[i - 1] || i === line.length - 1) {
      const t = lengths[i - 1] ? Math.min(1, left / lengths[i - 1]) : 0;
      const [x0, y0] = line[i - 1];
      const [x1, y1] = line[i];
      return L.latLng(y0 + (y1 - y0) * t, x0 + (x1 - x0) * t);
    }
    left -= lengths[i - 1];
  }
  return L.latLng(line[0][1], line[0][0]);
}

export function createSuggestionLayers(map, config, { onSelect }) {
  const categories = new Map(config.categories.map((c) => [c.key, c]));
  // tolerance widens the hit area of thin lines on the canvas (pixels on each side): a finger needs more.
  const renderer = L.canvas({ padding: 0.3, tolerance: coarse.matches ? 20 : 8 });
  const group = L.featureGroup().addTo(map);
  const entries = new Map();  // key -> { key, id, feature, marker, line, latlng }
  let selectedId = null;
  let order = [];  // the entries north to south, then west to east: the arrow keys' order
  let stop = null;  // the entry whose marker is the layer's one tab stop

  const colourOf = (category) => (category ? category.colour : '#475569');
  // The planning status shows as a dash pattern on lines (a ring with a sign on points, see map.css), so
  // it reads without telling colours apart. Declined lines fade; received ones stay plain.
  const DASHES = { under_review: '2 7', planned: '12 7', declined: '4 7' };
  const lineStyle = (colour, strong, status) => ({
    color: colour,
    weight: strong ? 9 : status === 'implemented' ? 7 : 5,
    opacity: strong ? 1 : status === 'declined' ? 0.55 : 0.9,
    dashArray: DASHES[status] || null,
    lineCap: DASHES[status] ? 'butt' : 'round',
  });

  // The tab stop moves to `entry` (or, when it is gone, to the first marker); the others leave the tab order.
  function setStop(entry) {
    const next = entry && entries.get(entry.key) === entry ? entry : order[0] || null;
    if (stop && stop !== next) stop.marker.getElement()?.setAttribute('tabindex', '-1');
    stop = next;
    stop?.marker.getElement()?.setAttribute('tabindex', '0');
  }

  const STEPS = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

  function move(entry, key) {
    const at = order.indexOf(entry);
    let to = at;
    if (key in STEPS) to = Math.min(order.length - 1, Math.max(0, at + STEPS[key]));
    else if (key === 'Home') to = 0;
    else if (key === 'End') to = order.length - 1;
    else return false;
    if (to !== at && order[to]) {
      setStop(order[to]);
      // Leaflet pans a marker that gets focus into view (autoPanOnFocus); the page itself must not scroll.
      order[to].marker.getElement()?.focus({ preventScroll: true });
    }
    return true;
  }

  // A focusable marker (Leaflet gives it role=button): a click, Enter or Space activates it, the arrow keys
  // move to another marker (see the top of this file).
  function focusableMarker(entry, icon, name, activate) {
    const marker = L.marker(entry.latlng, { icon, keyboard: true, riseOnHover: false });
    marker.on('add', () => {
      const node = marker.getElement();
      node.setAttribute('aria-label', name);
      node.setAttribute('tabindex', stop === entry ? '0' : '-1');
      node.addEventListener('focus', () => setStop(entry));
      node.addEventListener('keydown', (event) => {
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        if (move(entry, event.key)) {
          event.preventDefault();
          return;
        }
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        activate({ keyboard: true, marker });
      });
    });
    marker.on('click', () => activate({ keyboard: false, marker }));
    return marker;
  }

  function featureEntry(key, feature) {
    const p = feature.properties;
    const category = categories.get(p.category);
    const colour = colourOf(category);
    const status = p.planning_status || 'received';
    const statusLabel = planningStatusLabel(status);
    const name = `${p.title} – ${category ? category.label : p.category} – ${statusLabel}`;
    const latlng = anchorOf(feature.geometry);
    const entry = { key, id: p.id, feature, line: null, latlng };
    Object.defineProperty(entry, 'feature', {  // the marker carries its feature, like a GeoJSON layer does
      get: () => entry.marker.feature,
      set: (value) => { entry.marker.feature = value; },
    });
    const select = ({ keyboard }) => onSelect(p.id, { from: 'map', keyboard, returnTo: entry.marker.getElement() });
    if (feature.geometry.type === 'Point') {
      const dot = element('span', 'suggestion-dot');
      dot.style.backgroundColor = colour;
      const icon = L.divIcon({ className: `suggestion-marker status--${status}`, html: dot, iconSize: null });
      entry.marker = focusableMarker(entry, icon, name, select);
    } else {
      entry.line = L.geoJSON(feature, { renderer, style: lineStyle(colour, false, status) });
      entry.line.on('click', () => select({ keyboard: false }));
      const icon = L.divIcon({ className: 'suggestion-marker line-proxy', html: element('span', 'line-proxy-dot'), iconSize: null });
      entry.marker = focusableMarker(entry, icon, name, select);
      // The proxy has no shape of its own: focusing it shows which line it stands for.
      entry.marker.on('add', () => {
        const node = entry.marker.getElement();
        node.addEventListener('focus', () => entry.line.setStyle(lineStyle(colour, true, status)));
        node.addEventListener('blur', () => entry.line.setStyle(lineStyle(colour, entry.id === selectedId, status)));
      });
      entry.colour = colour;
      entry.status = status;
    }
    entry.marker.feature = feature;
    return entry;
  }

  function clusterEntry(key, feature) {
    const latlng = anchorOf(feature.geometry);
    const count = feature.properties.count;
    const zoomIn = () => map.setView(latlng, Math.min(map.getZoom() + 2, map.getMaxZoom()));
    let icon;
    if (count === 1) {
      // A cell with one suggestion shows it as a dot in its category's colour, not as a "1".
      const category = categories.get(Object.keys(feature.properties.categories)[0]);
      const dot = element('span', 'suggestion-dot');
      dot.style.backgroundColor = colourOf(category);
      icon = L.divIcon({ className: 'suggestion-marker cluster-one', html: dot, iconSize: null });
    } else {
      let size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 44 : 52;
      if (coarse.matches) size = Math.max(size, 44);
      const label = element('span', 'cluster-count', count >= 10000 ? `${Math.round(count / 1000)}k` : String(count));
      icon = L.divIcon({ className: 'cluster', html: label, iconSize: [size, size] });
    }
    // A cell with one suggestion says "One suggestion here": the singular of the same text.
    const name = interpolate(ngettext('One suggestion here – zoom in', '%(count)s suggestions here – zoom in', count), { count });
    const entry = { key, id: null, feature, line: null, latlng };
    entry.marker = focusableMarker(entry, icon, name, zoomIn);
    return entry;
  }

  function add(entry) {
    if (entry.line) group.addLayer(entry.line);
    group.addLayer(entry.marker);
    entries.set(entry.key, entry);
  }

  function remove(entry) {
    const node = entry.marker.getElement();
    // Focus on a marker that goes away would fall to the page's start: keep it on the map instead.
    if (node && node.contains(document.activeElement)) map.getContainer().focus({ preventScroll: true });
    if (entry.line) group.removeLayer(entry.line);
    group.removeLayer(entry.marker);
    entries.delete(entry.key);
  }

  // Tab order follows the DOM order of the marker pane. The focused marker is never moved (moving a node
  // takes its focus away): the others are put in order before and after it.
  function reorder() {
    order = [...entries.values()].sort((a, b) => (b.latlng.lat - a.latlng.lat) || (a.latlng.lng - b.latlng.lng));
    setStop(stop);
    const ordered = order.map((entry) => entry.marker.getElement()).filter(Boolean);
    if (ordered.length < 2) return;
    const pane = ordered[0].parentNode;
    const at = ordered.indexOf(document.activeElement);
    if (at === -1) {
      for (const node of ordered) pane.appendChild(node);
      return;
    }
    const pivot = ordered[at];
    for (let i = 0; i < at; i += 1) pane.insertBefore(ordered[i], pivot);
    for (let i = ordered.length - 1; i > at; i -= 1) pivot.after(ordered[i]);
  }

  function sameShape(before, after) {
    const a = before.properties;
    const b = after.properties;
    return JSON.stringify(before.geometry) === JSON.stringify(after.geometry)
      && a.title === b.title && a.category === b.category && a.count === b.count
      && a.planning_status === b.planning_status;
  }

  function show(collection) {
    const clusters = collection.mode === 'clusters';
    const wanted = new Map();
    for (const feature of collection.features) {
      const key = clusters
        ? `c:${feature.geometry.coordinates.join(',')}:${feature.properties.count}`
        : `f:${feature.properties.id}`;
      wanted.set(key, feature);
    }
    for (const entry of [...entries.values()]) {
      const feature = wanted.get(entry.key);
      if (!feature) {
        remove(entry);
      } else if (!sameShape(entry.feature, feature)) {
        remove(entry);  // moved, renamed or recategorised: drawn anew with its new name for screen readers
      } else {
        entry.feature = feature;  // counts may have changed; the marker (and its focus) stays
      }
    }
    for (const [key, feature] of wanted) {
      if (!entries.has(key)) add(clusters ? clusterEntry(key, feature) : featureEntry(key, feature));
    }
    reorder();
    highlight(selectedId);
  }

  function get(id) {
    return entries.get(`f:${id}`) || null;
  }

  function highlight(id) {
    const previous = selectedId === null ? null : get(selectedId);
    if (previous && previous.id !== id) {
      previous.marker.getElement()?.classList.remove('is-selected');
      if (previous.line) previous.line.setStyle(lineStyle(previous.colour, false, previous.status));
    }
    selectedId = id;
    const entry = id === null ? null : get(id);
    if (!entry) return;
    entry.marker.getElement()?.classList.add('is-selected');
    setStop(entry);  // Tab into the map lands on the selected suggestion
    if (entry.line) {
      entry.line.setStyle(lineStyle(entry.colour, true, entry.status));
      entry.line.bringToFront();
    }
  }

  return { show, get, highlight, group };
}
