// The author's correction page: a map with the suggestion's place. While nobody supports it, a point moves
// where the map is clicked (or to the middle of the map, by a button, for keyboard users) and a line's
// corners can be dragged (Leaflet-Geoman). The new place goes into the form's hidden `geometry` field; the
// server checks it like a new suggestion's. Without script the form still corrects title and text.
//
// A path (a line category) in a project with a street network is changed as in the compose flow: along the
// streets (route-drawing.js) or freely, one switch away; it opens the way it was drawn. Along the streets,
// points A and B stand on the saved line's first and last vertex (a routed line starts and ends on the
// streets) and the saved line stays as it is until a point is moved, the map tapped or the keyboard form
// used: then the route runs through the points (A, B and the new ones; the saved line's own via points are
// not kept, so its middle may take another way). The hidden `line_drawing` says how the line to save was
// made: "routed" for a route, "free" after a free change, nothing while the line is untouched (the
// suggestion keeps what it was).
import L from 'leaflet';
import './geoman.js';
import './account.css';
import { gettext, interpolate } from './i18n.js';
import { setUpRoutePanel, streetNetwork } from './route-drawing.js';

const config = JSON.parse(document.getElementById('edit-config').textContent);
const field = document.getElementById('id_geometry');
const drawingField = document.getElementById('id_line_drawing');  // paths only
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
    if (drawingField) drawingField.value = 'free';
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
    if (drawingField) drawingField.value = '';
    if (isPoint) {
      shape.setLatLng([lat0, lon0]);
      map.setView([lat0, lon0]);
    } else if (lineMode) {
      shape.pm.disable();
      shape.setLatLngs(storedLatLngs());
      lineMode.set(lineMode.current());  // the stored line again, changed the current way
    } else {
      shape.pm.disable();
      shape.setLatLngs(storedLatLngs());
      shape.pm.enable({ allowSelfIntersection: false });
    }
    say(gettext('The place is as it was.'));
  });
}

// Along the streets or freely: set up once the project's network is known (config.urls only for paths).
let lineMode = null;
if (config.canMove && config.urls) {
  streetNetwork(config).then((network) => {
    if (network) lineMode = offerRouting(network);
  });
}

function offerRouting(network) {
  const modeBox = document.getElementById('line-mode');
  const routeBox = document.getElementById('route-drawing');
  const hint = document.getElementById('place-hint');
  const freeHint = hint.textContent;
  const radios = [...modeBox.querySelectorAll('input[name=line_mode]')];
  const panel = setUpRoutePanel(map, config, network, {
    onRoute(feature) {
      if (!feature) {
        shape.addTo(map);  // no route drawn any more (a point removed, a move refused): the line to save
        return;
      }
      // The route replaces the line to save; route-drawing.js draws it (with its points) in place of it.
      shape.setLatLngs(toLatLngs(feature.geometry.coordinates));
      shape.remove();
      field.value = JSON.stringify(feature.geometry);
      drawingField.value = 'routed';
    },
    onGoFree() {
      set('free');
      radios.find((radio) => radio.value === 'free').focus();
    },
  });

  // Either way starts from the line to save as it is (the saved one, or the last route or change).
  function set(mode) {
    for (const radio of radios) radio.checked = radio.value === mode;
    panel.stop();
    panel.clear();
    shape.pm.disable();
    shape.addTo(map);
    routeBox.hidden = mode !== 'routed';
    if (mode === 'routed') {
      hint.textContent = gettext('The path follows the streets from A to B. Drag A or B to change the route (it then runs through the points, along the streets); each tap on the map extends it to there.');
      const latlngs = shape.getLatLngs();
      panel.showPoints([latlngs[0], latlngs[latlngs.length - 1]]);
      panel.start();
    } else {
      hint.textContent = freeHint;
      shape.pm.enable({ allowSelfIntersection: false });
    }
  }

  modeBox.hidden = false;
  modeBox.addEventListener('change', (event) => set(event.target.value));
  set(drawingField.value || config.lineDrawing || 'free');
  return { set, current: () => radios.find((radio) => radio.checked).value };
}
