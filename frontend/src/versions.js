// A suggestion's versions (moderators): the current place in its colour, earlier places grey and dashed.
import L from 'leaflet';
import './versions.css';
import { paintSwatches } from './dom.js';
import { setUpBlur } from './blur.js';

const config = JSON.parse(document.getElementById('versions-config').textContent);
paintSwatches();
setUpBlur();
// Back from a photo's decision (…/versions/#photos): the photos, and the keyboard's place, are there.
if (window.location.hash === '#photos') document.getElementById('photos')?.focus();

const map = L.map('versions-map', { scrollWheelZoom: false, maxZoom: 19 });
if (config.tileUrl) {
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
} else {
  map.getContainer().classList.add('map--no-tiles');
}
L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);

function draw(geometry, colour, dashed) {
  return L.geoJSON(geometry, {
    style: { color: colour, weight: 5, opacity: 0.9, dashArray: dashed ? '6 6' : null },
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
      radius: 9, color: dashed ? colour : '#ffffff', weight: 3, dashArray: dashed ? '4 3' : null,
      fillColor: dashed ? '#ffffff' : colour, fillOpacity: 1,
    }),
    interactive: false,
  }).addTo(map);
}

const bounds = L.latLngBounds([]);
for (const previous of config.previous) bounds.extend(draw(previous, '#64748b', true).getBounds());
bounds.extend(draw(config.current, config.colour, false).getBounds());
map.fitBounds(bounds.pad(0.3), { maxZoom: 17 });
