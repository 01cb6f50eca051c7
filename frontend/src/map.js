// The public project map: the project area, the published suggestions of the current viewport styled by
// category, and a popup per suggestion. User text only ever reaches the page through textContent.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { popupContent } from './popup.js';

const config = JSON.parse(document.getElementById('map-config').textContent);
const categories = new Map(config.categories.map((c) => [c.key, c]));
const statusLine = document.getElementById('map-status');

const map = L.map('map', { zoomSnap: 0.5, keyboard: true }).setView([config.center[1], config.center[0]], config.zoom);
if (config.tileUrl) {
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
} else {
  map.getContainer().classList.add('map--no-tiles');
}

// Grey out the world outside the project area so its outline reads on any background.
const world = [[90, -360], [90, 360], [-90, 360], [-90, -360]];
const areaRings = [];
L.geoJSON(config.area).eachLayer((layer) => {
  for (const polygon of layer.getLatLngs()) areaRings.push(Array.isArray(polygon[0]) ? polygon[0] : polygon);
});
L.polygon([world, ...areaRings], { className: 'project-mask', interactive: false, stroke: false }).addTo(map);
L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);

// Legend swatches take their colour from the category (no inline style attributes under our CSP).
for (const item of document.querySelectorAll('.legend-item[data-category]')) {
  const category = categories.get(item.dataset.category);
  const swatch = item.querySelector('.legend-swatch');
  if (category && swatch) swatch.style.backgroundColor = category.colour;
}

// Points sit in a pane above lines, so a line's wide hit area never covers a point next to it.
map.createPane('suggestion-points').style.zIndex = 450;
const suggestions = L.featureGroup().addTo(map);

function styleFor(category) {
  const colour = category ? category.colour : '#475569';
  return { colour, className: `suggestion suggestion--${category ? category.key : 'unknown'}` };
}

function layerFor(feature) {
  const category = categories.get(feature.properties.category);
  const { colour, className } = styleFor(category);
  let layer;
  if (feature.geometry.type === 'Point') {
    const [lon, lat] = feature.geometry.coordinates;
    layer = L.circleMarker([lat, lon], {
      radius: 8, color: '#ffffff', weight: 2, fillColor: colour, fillOpacity: 0.95, className,
      pane: 'suggestion-points',
    });
  } else {
    const drawn = L.geoJSON(feature, { style: { color: colour, weight: 5, opacity: 0.9, className } });
    // A wide invisible twin makes thin lines easy to tap and click.
    const hit = L.geoJSON(feature, { style: { weight: 22, opacity: 0, className: 'suggestion-hit' } });
    layer = L.featureGroup([drawn, hit]);
  }
  layer.bindPopup(() => popupContent(feature, category, config), { maxWidth: 320 });
  return layer;
}

let inFlight = null;

async function loadViewport() {
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const bbox = [
    clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90),
  ].map((v) => v.toFixed(6)).join(',');
  const url = `${config.suggestionsUrl}?bbox=${bbox}&limit=${config.pageSize}`;
  try {
    const response = await fetch(url, { signal: inFlight.signal, headers: { Accept: 'application/geo+json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const collection = await response.json();
    suggestions.clearLayers();
    for (const feature of collection.features) suggestions.addLayer(layerFor(feature));
    const hasMore = collection.links.some((link) => link.rel === 'next');
    const template = hasMore ? config.labels.more : config.labels.shown;
    statusLine.textContent = template.replace('%(count)s', String(collection.numberReturned));
    document.body.dataset.featuresLoaded = String(collection.numberReturned);
  } catch (error) {
    if (error.name === 'AbortError') return;
    statusLine.textContent = config.labels.failed;
    document.body.dataset.featuresLoaded = 'error';
  }
}

map.on('moveend', loadViewport);
loadViewport();
