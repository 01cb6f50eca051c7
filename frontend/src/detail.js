// The small map on a suggestion's page: the project area and the suggestion itself, fitted to view; the
// author's forms to add photos (photo-add.js).
import L from 'leaflet';
import { paintSwatches } from './dom.js';
import { gettext } from './i18n.js';
import { setUpAntiSpam, solveBeforeSubmit } from './anti-spam.js';
import { setUpPhotoForms } from './photo-add.js';
import { setUpShare } from './share.js';

const config = JSON.parse(document.getElementById('detail-config').textContent);
paintSwatches();
// A form the server sent back (its action's fragment scrolled the page to it): the refused field takes focus,
// so typing goes on there. Not `autofocus`, and not before `load`: chromium drops both while it scrolls to a
// fragment. Unless the person has already moved on to something else.
window.addEventListener('load', () => {
  const refused = document.querySelector('form [aria-invalid="true"]');
  if (refused && document.activeElement === document.body) refused.focus({ preventScroll: true });
});
setUpPhotoForms();
// Shared is the page's own address, without what a form's answer appended (a fragment).
setUpShare(document.getElementById('suggestion-share'), {
  link: () => window.location.origin + window.location.pathname,
  title: () => document.title,
  text: () => document.getElementById('suggestion-title').textContent.trim(),
});
if (config.antiSpam) {
  setUpAntiSpam(config.antiSpam);
  solveBeforeSubmit();
}

// In a page that scrolls, one finger scrolls the page, never the map (two fingers still zoom it); the wheel
// scrolls the page too. The map stays usable with its zoom buttons and the keyboard.
const map = L.map('detail-map', {
  scrollWheelZoom: false,
  dragging: !window.matchMedia('(pointer: coarse)').matches,
  keyboard: true,
  maxZoom: 19,
  zoomControl: false,
});
L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
if (config.tileUrl) {
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
} else {
  map.getContainer().classList.add('map--no-tiles');
}
L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
const shape = L.geoJSON(config.geometry, {
  style: { color: config.colour, weight: 6, opacity: 0.9 },
  pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
    radius: 10, color: '#ffffff', weight: 3, fillColor: config.colour, fillOpacity: 1,
  }),
  interactive: false,
}).addTo(map);
if (config.geometry.type === 'Point') {
  map.setView(shape.getBounds().getCenter(), 16);
} else {
  map.fitBounds(shape.getBounds(), { padding: [24, 24], maxZoom: 17 });
}
document.body.dataset.detailMap = 'ready';
