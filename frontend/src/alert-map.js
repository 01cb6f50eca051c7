// The alert form's map: a click (or "Centre of the map", for the keyboard) puts the alert's centre, the radius
// field sizes the circle. It only fills the form's latitude/longitude fields, which work without it too;
// the server checks the place and the radius.
import L from 'leaflet';
import { gettext, interpolate } from './i18n.js';

const config = JSON.parse(document.getElementById('alert-config').textContent);
const form = document.getElementById('alert-form');
const latitude = document.getElementById('alert-latitude');
const longitude = document.getElementById('alert-longitude');
const radius = document.getElementById('alert-radius');
const status = document.getElementById('alert-place-status');
const container = document.getElementById('alert-map');

container.hidden = false;
document.getElementById('alert-centre-row').hidden = false;

const map = L.map(container, { keyboard: true, maxZoom: 19, zoomControl: false, scrollWheelZoom: false });
window.participationMap = map; // as on the other map pages: tests and the console reach it
L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
if (config.tileUrl) {
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
} else {
  map.getContainer().classList.add('map--no-tiles');
}
const area = L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);

let circle = null;

function metres() {
  const value = Number.parseInt(radius.value, 10);
  if (!Number.isFinite(value)) return config.radiusMin;
  return Math.min(config.radiusMax, Math.max(config.radiusMin, value));
}

function chosen() {
  const lat = Number.parseFloat(latitude.value);
  const lng = Number.parseFloat(longitude.value);
  return Number.isFinite(lat) && Number.isFinite(lng) ? L.latLng(lat, lng) : null;
}

function draw() {
  const centre = chosen();
  if (!centre) {
    if (circle) circle.remove();
    circle = null;
    status.textContent = gettext('No place chosen yet.');
    return;
  }
  if (!circle) {
    circle = L.circle(centre, { radius: metres(), className: 'alert-circle', interactive: false }).addTo(map);
  } else {
    circle.setLatLng(centre).setRadius(metres());
  }
  status.textContent = interpolate(gettext('Centre chosen: %(lat)s, %(lng)s; radius %(radius)s m.'), {
    lat: centre.lat.toFixed(5), lng: centre.lng.toFixed(5), radius: metres(),
  });
}

function put(latlng) {
  latitude.value = latlng.lat.toFixed(7);
  longitude.value = latlng.lng.toFixed(7);
  latitude.removeAttribute('aria-invalid');
  longitude.removeAttribute('aria-invalid');
  draw();
}

map.on('click', (event) => put(event.latlng));
document.getElementById('alert-centre').addEventListener('click', () => put(map.getCenter()));
radius.addEventListener('input', draw);
latitude.addEventListener('change', draw);
longitude.addEventListener('change', draw);

draw();
if (circle) {
  map.fitBounds(circle.getBounds(), { padding: [24, 24] });
} else if (config.centre) {
  map.setView(config.centre, config.zoom);
} else {
  map.fitBounds(area.getBounds());
}
form.dataset.map = 'ready';
