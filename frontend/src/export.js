// The planners' export page: a map of the project area on which a planner may draw a rectangle or polygon (Leaflet-Geoman);
// the shape goes into the form's hidden `area` field as GeoJSON. Without a pointer, the bounding-box field
// does the same job. The form is POSTed with its CSRF token, so a link on another site cannot start an export.
// Data come as JSON in the page (CSP: no inline script); text reaches the DOM through textContent.
import L from 'leaflet';
import { addContextLayers } from './context-layers.js';
import { speakOurLanguage } from './geoman.js';
import { gettext } from './i18n.js';
import { createPlaceSearch, placeMover } from './place-search.js';
import 'leaflet/dist/leaflet.css';
import './export.css';

const configNode = document.getElementById('export-config');
const config = configNode ? JSON.parse(configNode.textContent) : null;

function setUpAreaMap() {
  const field = document.getElementById('id_area');
  const status = document.getElementById('area-status');
  const clear = document.getElementById('area-clear');
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const map = L.map('export-map', { zoomAnimation: !still, fadeAnimation: !still, inertia: !still });
  window.exportMap = map;  // for browser tests
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    map.getContainer().classList.add('map--no-tiles');
  }
  const area = L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
  map.fitBounds(area.getBounds(), { padding: [8, 8] });
  // The same context layers as the public map (and those kept for the project's staff), under the drawing.
  addContextLayers(map, config.layersUrl, { collapsed: true });
  speakOurLanguage(map);  // Geoman's hints in our words (its own German says "Du")
  map.pm.addControls({
    position: 'topleft',
    drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false, drawText: false,
    drawRectangle: true, drawPolygon: true, editMode: true, dragMode: false, cutPolygon: false,
    removalMode: true, rotateMode: false,
  });
  // Geoman's toolbar buttons are links with an icon and a title on their wrapper: give them a name.
  for (const button of map.getContainer().querySelectorAll('.leaflet-buttons-control-button')) {
    const title = button.parentElement.getAttribute('title');
    if (title) button.setAttribute('aria-label', title);
  }

  let shape = null;
  const show = () => {
    field.value = shape ? JSON.stringify(shape.toGeoJSON().geometry) : '';
    status.textContent = shape ? gettext('A drawn area limits the export.') : gettext('No area drawn: the whole project.');
    clear.hidden = !shape;
  };
  const adopt = (layer) => {
    if (shape && shape !== layer) shape.remove();  // one area at a time: the newest wins
    shape = layer;
    layer.on('pm:edit', show);
    show();
  };
  if (field.value) {
    try {
      adopt(L.geoJSON(JSON.parse(field.value)).getLayers()[0].addTo(map));
    } catch {
      field.value = '';
    }
  }
  // Finding a street or district by its name, to draw the area there.
  const searchBox = document.getElementById('export-place-search');
  if (searchBox && config.placesUrl) {
    createPlaceSearch(searchBox, { url: config.placesUrl, onChoose: placeMover(map, L) });
  }
  map.on('pm:create', (event) => adopt(event.layer));
  map.on('pm:remove', (event) => {
    if (event.layer === shape) { shape = null; show(); }
  });
  clear.addEventListener('click', () => {
    if (shape) shape.remove();
    shape = null;
    show();
    status.focus();
  });
  show();
}

if (config) setUpAreaMap();
