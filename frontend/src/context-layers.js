// Context layers on a Leaflet map (the public map, the export page): the layers the visitor may see, from
// /api/v1/projects/<slug>/layers/, each drawn from its vector tiles (/tiles/<slug>/layers/<id>/…, decoded by
// @mapbox/vector-tile) on the canvases of a GridLayer; a layer control whose switches carry a swatch in the
// layer's own style; each shown layer's attribution and licence in Leaflet's attribution control.
//
// The layers lie under the suggestions (their pane is below the overlay and marker panes), take no pointer
// events and no focus: the suggestions' markers stay what a click, a tap or Tab reaches. A click on the map
// over a context feature shows its name in a tooltip, which takes no pointer events either.
// Texts from a layer (its name, attribution, licence, a feature's name) reach the page only as text.
import L from 'leaflet';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { api } from './api.js';
import { creditHtml, element } from './dom.js';
import { gettext, interpolate } from './i18n.js';
import './context-layers.css';

const PANE = 'context';
const MVT_LAYER = 'features';  // the layer name in our tiles (geo/sql/context_tile_mvt.sql)
const TILE = 256;
const DASHES = { solid: [], dashed: [8, 6], dotted: [1.5, 5] };

// The symbol of a point: `size` px wide, centred on (x, y), in the layer's colour with a white outline, so it
// reads on any ground. Bicycle and charger carry a white sign on a filled disc or rounded square.
export function drawSymbol(ctx, icon, colour, x, y, size) {
  const r = size / 2;
  ctx.save();
  ctx.fillStyle = colour;
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = Math.max(1, size / 8);
  ctx.beginPath();
  if (icon === 'square' || icon === 'charger') {
    const s = r * 0.9;
    if (ctx.roundRect) ctx.roundRect(x - s, y - s, 2 * s, 2 * s, icon === 'charger' ? s / 3 : 0);
    else ctx.rect(x - s, y - s, 2 * s, 2 * s);
  } else if (icon === 'pin') {
    ctx.arc(x, y - r * 0.35, r * 0.65, Math.PI * 0.85, Math.PI * 0.15);
    ctx.lineTo(x, y + r);
    ctx.closePath();
  } else {
    ctx.arc(x, y, r * 0.9, 0, 2 * Math.PI);
  }
  ctx.fill();
  ctx.stroke();
  if (size >= 12 && icon === 'bicycle') {
    // Two wheels and a frame.
    const w = r * 0.3;
    ctx.lineWidth = Math.max(1, size / 14);
    ctx.beginPath();
    ctx.arc(x - r * 0.38, y + r * 0.15, w, 0, 2 * Math.PI);
    ctx.moveTo(x + r * 0.38 + w, y + r * 0.15);
    ctx.arc(x + r * 0.38, y + r * 0.15, w, 0, 2 * Math.PI);
    ctx.moveTo(x - r * 0.38, y + r * 0.15);
    ctx.lineTo(x - r * 0.05, y - r * 0.3);
    ctx.lineTo(x + r * 0.38, y + r * 0.15);
    ctx.moveTo(x - r * 0.05, y - r * 0.3);
    ctx.lineTo(x + r * 0.2, y - r * 0.3);
    ctx.stroke();
  } else if (size >= 12 && icon === 'charger') {
    // A lightning bolt.
    ctx.fillStyle = '#ffffff';
    ctx.beginPath();
    ctx.moveTo(x + r * 0.1, y - r * 0.6);
    ctx.lineTo(x - r * 0.35, y + r * 0.1);
    ctx.lineTo(x - r * 0.02, y + r * 0.1);
    ctx.lineTo(x - r * 0.12, y + r * 0.6);
    ctx.lineTo(x + r * 0.35, y - r * 0.1);
    ctx.lineTo(x + r * 0.02, y - r * 0.1);
    ctx.closePath();
    ctx.fill();
  }
  ctx.restore();
}

function strokeStyle(ctx, layer, width) {
  ctx.strokeStyle = layer.colour;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.lineCap = layer.line_pattern === 'dotted' ? 'round' : 'butt';
  ctx.setLineDash(DASHES[layer.line_pattern] || []);
}

// A symbol's width by zoom: plain small dots where a city's facilities fill the screen, the full sign closer.
const symbolSize = (zoom) => (zoom >= 15 ? 16 : zoom >= 13 ? 11 : 7);

function drawFeature(ctx, layer, feature, size) {
  if (feature.type === 1) {
    for (const [x, y] of feature.rings.flat()) drawSymbol(ctx, layer.icon, layer.colour, x, y, size);
    return;
  }
  ctx.beginPath();
  for (const ring of feature.rings) {
    ring.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    if (feature.type === 3) ctx.closePath();
  }
  if (feature.type === 3) {
    ctx.save();
    ctx.globalAlpha = 0.07;
    ctx.fillStyle = layer.colour;
    ctx.fill('evenodd');
    ctx.restore();
    strokeStyle(ctx, layer, 2);
  } else {
    // A white casing first, so a line reads on the base map and on the other layers.
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.8)';
    ctx.lineWidth = 5;
    ctx.setLineDash([]);
    ctx.stroke();
    strokeStyle(ctx, layer, 3);
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

// The layer's key in the legend: a point's symbol, a stretch of line or an area's outline, as on the map.
function swatch(layer) {
  const ratio = window.devicePixelRatio || 1;
  const canvas = element('canvas', 'context-swatch');
  canvas.width = 28 * ratio;
  canvas.height = 20 * ratio;
  canvas.setAttribute('aria-hidden', 'true');
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  const kind = layer.kinds[0] || (layer.role === 'districts' ? 'area' : 'point');
  if (kind === 'point') {
    drawSymbol(ctx, layer.icon, layer.colour, 14, 10, 18);
  } else if (kind === 'line') {
    drawFeature(ctx, layer, { type: 2, rings: [[[2, 14], [12, 6], [26, 10]]] }, 0);
  } else {
    drawFeature(ctx, layer, { type: 3, rings: [[[3, 3], [25, 3], [25, 17], [3, 17]]] }, 0);
  }
  return canvas;
}

// Decoded features of one tile in the tile's CSS pixels: { type (1 point, 2 line, 3 area), rings, properties }.
function decode(buffer) {
  const tile = new VectorTile(new PbfReader(new Uint8Array(buffer)));
  const source = tile.layers[MVT_LAYER];
  const features = [];
  if (!source) return features;
  const scale = TILE / source.extent;
  for (let i = 0; i < source.length; i += 1) {
    const feature = source.feature(i);
    const rings = feature.loadGeometry().map((ring) => ring.map((p) => [p.x * scale, p.y * scale]));
    features.push({ type: feature.type, rings, properties: feature.properties });
  }
  return features;
}

const ContextGrid = L.GridLayer.extend({
  initialize(layer, options) {
    L.GridLayer.prototype.initialize.call(this, options);
    this.layer = layer;
    this.decoded = new Map();  // tile key -> features, for the click's hit test
    this.on('tileunload', (event) => {
      event.tile.abort?.abort();
      this.decoded.delete(this._tileCoordsToKey(event.coords));
    });
  },

  createTile(coords, done) {
    const ratio = window.devicePixelRatio || 1;
    const canvas = L.DomUtil.create('canvas', 'context-tile');
    canvas.width = TILE * ratio;
    canvas.height = TILE * ratio;
    canvas.abort = new AbortController();
    const url = this.layer.tiles.replace('{z}', coords.z).replace('{x}', coords.x).replace('{y}', coords.y);
    fetch(url, { credentials: 'same-origin', signal: canvas.abort.signal })
      .then((response) => {
        if (response.status === 204) return null;
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.arrayBuffer();
      })
      .then((buffer) => {
        const features = buffer ? decode(buffer) : [];
        this.decoded.set(this._tileCoordsToKey(coords), features);
        const ctx = canvas.getContext('2d');
        ctx.scale(ratio, ratio);
        const size = symbolSize(coords.z);
        // Areas under lines under points, whatever order the tile has them in.
        for (const type of [3, 2, 1]) {
          for (const feature of features) if (feature.type === type) drawFeature(ctx, this.layer, feature, size);
        }
        done(null, canvas);
      })
      .catch((error) => {
        if (error.name !== 'AbortError') done(error, canvas);
      });
    return canvas;
  },

  // The feature under a map point (CSS pixels of the tile grid at the tile zoom), points first, then lines,
  // then areas; null when there is none.
  featureAt(latlng) {
    const zoom = this._tileZoom;
    if (zoom === undefined) return null;
    const p = this._map.project(latlng, zoom);
    const key = this._tileCoordsToKey({ x: Math.floor(p.x / TILE), y: Math.floor(p.y / TILE), z: zoom });
    const features = this.decoded.get(key);
    if (!features) return null;
    const x = p.x - Math.floor(p.x / TILE) * TILE;
    const y = p.y - Math.floor(p.y / TILE) * TILE;
    const reach = symbolSize(zoom) / 2 + 3;
    const near = (a, b) => segmentDistance([x, y], a, b) <= 6;
    for (const type of [1, 2, 3]) {
      for (const feature of features) {
        if (feature.type !== type) continue;
        if (type === 1 && feature.rings.flat().some(([px, py]) => Math.hypot(px - x, py - y) <= reach)) return feature;
        if (type === 2 && feature.rings.some((ring) => ring.some((q, i) => i && near(ring[i - 1], q)))) return feature;
        if (type === 3 && insideRings([x, y], feature.rings)) return feature;
      }
    }
    return null;
  },
});

function segmentDistance([x, y], [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length)) : 0;
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

function insideRings([x, y], rings) {
  let inside = false;  // even-odd over every ring: holes count out
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

// What a tooltip says about a feature: its name (else its layer's), and its capacity where it has one.
function describe(layer, feature) {
  const { name, capacity } = feature.properties;
  const text = name ? `${name} (${layer.name})` : layer.name;
  if (capacity === undefined || capacity === '') return text;
  return `${text} – ${interpolate(gettext('capacity: %(capacity)s'), { capacity })}`;
}

// The usual sign for map layers: three stacked sheets seen at a slant.
function layersIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('class', 'context-toggle-icon');
  svg.setAttribute('aria-hidden', 'true');
  for (const [d, fill] of [
    ['M10 12.5 2 8.5l8-4 8 4z', '#94a3b8'],
    ['M2 11.5l8 4 8-4', 'none'],
    ['M2 14.5l8 4 8-4', 'none'],
  ]) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', fill);
    path.setAttribute('stroke', '#334155');
    path.setAttribute('stroke-width', '1.6');
    path.setAttribute('stroke-linejoin', 'round');
    svg.append(path);
  }
  return svg;
}

// The layer control: a switch per layer with its swatch, in a fieldset a button opens and closes. It starts
// closed where the map is small (phones), so that it covers none of it.
function layerControl(map, entries, { collapsed, position }) {
  const control = L.control({ position });
  control.onAdd = () => {
    const box = element('div', 'leaflet-control context-control');
    const toggle = element('button', 'context-toggle');
    toggle.type = 'button';
    toggle.id = 'context-toggle';
    toggle.setAttribute('aria-expanded', String(!collapsed));
    toggle.setAttribute('aria-controls', 'context-panel');
    toggle.append(layersIcon(), element('span', 'context-toggle-label', gettext('Map layers')));
    const panel = element('fieldset', 'context-panel');
    panel.id = 'context-panel';
    panel.hidden = collapsed;
    panel.append(element('legend', 'visually-hidden', gettext('Map layers')));
    for (const entry of entries) {
      const label = element('label', 'choice context-choice');
      const box2 = element('input');
      box2.type = 'checkbox';
      box2.name = 'context-layer';
      box2.value = String(entry.layer.id);
      box2.checked = entry.layer.visible_by_default;
      box2.addEventListener('change', () => entry.show(box2.checked));
      label.append(box2, swatch(entry.layer), element('span', 'context-name', entry.layer.name));
      panel.append(label);
    }
    toggle.addEventListener('click', () => {
      const open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
    });
    box.append(toggle, panel);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  control.addTo(map);
  return control;
}

// Loads the project's layers from `url` and puts them on `map`; resolves to { entries } (empty when the
// project has none, and then shows no control). A failed load leaves the map as it is.
// On a phone the control starts closed under the zoom buttons (the credits take the top right corner there).
export async function addContextLayers(map, url, options = {}) {
  const small = window.matchMedia('(max-width: 720px)').matches;
  const { collapsed = small, position = small ? 'topleft' : 'topright' } = options;
  if (!url) return { entries: [] };
  let layers;
  try {
    ({ layers } = await api(url));
  } catch {
    return { entries: [] };
  }
  if (!layers.length) return { entries: [] };
  if (!map.getPane(PANE)) {
    map.createPane(PANE);
    // Over the base map (200), under the suggestions' canvas (overlay pane, 400) and markers (600).
    map.getPane(PANE).style.zIndex = '350';
    map.getPane(PANE).style.pointerEvents = 'none';
  }
  let loads = 0;
  const entries = layers.map((layer, index) => {
    const grid = new ContextGrid(layer, {
      pane: PANE,
      zIndex: index + 1,
      attribution: creditHtml(layer),
      maxNativeZoom: 22,
      updateWhenZooming: false,
    });
    grid.on('load', () => {
      loads += 1;
      document.body.dataset.contextLoaded = String(loads);  // for browser tests
    });
    const entry = {
      layer,
      grid,
      show(on) {
        if (on) grid.addTo(map);
        else grid.remove();
      },
    };
    if (layer.visible_by_default) grid.addTo(map);
    return entry;
  });
  layerControl(map, entries, { collapsed, position });

  const tooltip = L.tooltip({ direction: 'top', offset: [0, -8], className: 'context-tooltip', opacity: 1 });
  map.on('click', (event) => {
    map.closeTooltip(tooltip);
    for (const entry of [...entries].reverse()) {
      if (!map.hasLayer(entry.grid)) continue;
      const feature = entry.grid.featureAt(event.latlng);
      if (!feature) continue;
      tooltip.setContent(element('span', null, describe(entry.layer, feature)));
      map.openTooltip(tooltip, event.latlng);
      return;
    }
  });
  // A suggestion's popup is what counts: the tooltip gives way to it, and goes when the view changes.
  map.on('popupopen zoomstart movestart', () => map.closeTooltip(tooltip));
  return { entries };
}
