// The author's correction page: a map with the suggestion's place. While nobody supports it, a point moves
// where the map is clicked (or to the middle of the map, by a button, for keyboard users) and a line's
// corners can be dragged (Leaflet-Geoman). The new place goes into the form's hidden `geometry` field; the
// server checks it like a new suggestion's. Without script the form still corrects title and text.
import L from 'leaflet';
import './geoman.js';
import './account.css';
import { gettext, interpolate } from './i18n.js';

const config = JSON.parse(document.getElementById('edit-config').textContent);
const field = document.getElementById('id_geometry');
const status = document.getElementById('place-status');

const map = L.map('edit-map', { scrollWheelZoom: false, maxZoom: 19, zoomControl: false });
// As on the map page: for debugging in the console and for browser tests (positions by Leaflet's projection).
window.participationMap = map;
L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
if (config.tileUrl) {
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
} else {
  map.getContainer().classList.add('map--no-tiles');
}
const round = (n) => Math.round(n * 1e7) / 1e7;
const isPoint = config.geometry.type === 'Point';
const isArea = config.geometry.type === 'Polygon';
const [lon0, lat0] = isPoint ? config.geometry.coordinates : [0, 0];
const toLatLngs = (coordinates) => coordinates.map(([lon, lat]) => [lat, lon]);
// A line's points, or an area's outer ring without its closing point (Leaflet closes polygons itself).
function storedLatLngs() {
  if (isArea) return toLatLngs(config.geometry.coordinates[0].slice(0, -1));
  return isPoint ? [] : toLatLngs(config.geometry.coordinates);
}
function keptLatLngs(geometry) {
  return isArea ? toLatLngs(geometry.coordinates[0].slice(0, -1)) : toLatLngs(geometry.coordinates);
}
// The view first: Leaflet-Geoman measures layers as they are added, which needs a map with a view.
const shapeLatLngs = storedLatLngs();
if (isPoint) map.setView([lat0, lon0], 16);
else map.fitBounds(L.latLngBounds(shapeLatLngs), { padding: [24, 24], maxZoom: 17 });
L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
let shape;
if (isPoint) {
  shape = L.circleMarker([lat0, lon0], {
    radius: 10, color: '#ffffff', weight: 3, fillColor: config.colour, fillOpacity: 1, interactive: false,
    className: 'edit-place',
  }).addTo(map);
} else {
  const style = { color: config.colour, weight: isArea ? 4 : 6, opacity: 0.9, className: 'edit-place' };
  shape = (isArea ? L.polygon(shapeLatLngs, { ...style, fillOpacity: 0.2 }) : L.polyline(shapeLatLngs, style))
    .addTo(map);
}

function say(text) {
  status.textContent = text;
}

function movePoint(latlng) {
  shape.setLatLng(latlng);
  field.value = JSON.stringify({ type: 'Point', coordinates: [round(latlng.lng), round(latlng.lat)] });
  say(interpolate(
    gettext('New place chosen: %(lat)s, %(lon)s. Save the changes to keep it.'),
    { lat: round(latlng.lat).toFixed(5), lon: round(latlng.lng).toFixed(5) },
  ));
}

function lineChanged() {
  const position = (p) => [round(p.lng), round(p.lat)];
  if (isArea) {
    const ring = shape.getLatLngs()[0].map(position);
    field.value = JSON.stringify({ type: 'Polygon', coordinates: [[...ring, ring[0]]] });
  } else {
    field.value = JSON.stringify({ type: 'LineString', coordinates: shape.getLatLngs().map(position) });
  }
  say(isArea
    ? gettext('The area was changed. Save the changes to keep it.')
    : gettext('The line was changed. Save the changes to keep it.'));
}

if (config.canMove && field.value) {
  // The form came back with an error: the place chosen before is still in the field, show it there.
  try {
    const kept = JSON.parse(field.value);
    if (isPoint) shape.setLatLng([kept.coordinates[1], kept.coordinates[0]]);
    else shape.setLatLngs(keptLatLngs(kept));
  } catch {
    field.value = '';  // not ours (the server said so at the form): keep the stored place
  }
}

if (config.canMove) {
  if (isPoint) {
    map.on('click', (event) => movePoint(event.latlng));
    // For the keyboard: while the map has the focus (arrow keys move it), a crosshair marks its middle,
    // where "Put the point at the middle of the map" puts it.
    const crosshair = L.DomUtil.create('div', 'crosshair', map.getContainer());
    crosshair.setAttribute('aria-hidden', 'true');
    crosshair.hidden = true;
    map.getContainer().addEventListener('focus', () => { crosshair.hidden = false; });
    map.getContainer().addEventListener('blur', () => { crosshair.hidden = true; });
    document.getElementById('place-centre')?.addEventListener('click', () => movePoint(map.getCenter()));
  } else {
    map.pm.setLang(config.language === 'de' ? 'de' : 'en');
    shape.pm.enable({ allowSelfIntersection: false });
    shape.on('pm:edit', lineChanged);
  }
  document.getElementById('place-reset')?.addEventListener('click', () => {
    field.value = '';
    if (isPoint) {
      shape.setLatLng([lat0, lon0]);
      map.setView([lat0, lon0]);
    } else {
      shape.pm.disable();
      shape.setLatLngs(storedLatLngs());
      shape.pm.enable({ allowSelfIntersection: false });
    }
    say(gettext('The place is as it was.'));
  });
}
