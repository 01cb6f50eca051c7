// The planner dashboard: three bar charts (by category, planning status and week) and a map of hotspots.
// Every chart has its table on the page (the charts are aria-hidden pictures of those tables); the data
// comes as JSON in the page (CSP: no inline script), text reaches the DOM only through textContent.
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip,
} from 'chart.js';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './dashboard.css';
import { element, paintSwatches } from './dom.js';
import { gettext, interpolate } from './i18n.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const config = JSON.parse(document.getElementById('dashboard-config').textContent);
paintSwatches();

// Status colours follow the badges (map.css .status-badge--*), darker so bars read on white.
const STATUS_COLOURS = {
  received: '#64748b',
  under_review: '#ca8a04',
  planned: '#16a34a',
  implemented: '#0b5cad',
  declined: '#b91c1c',
};

Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
Chart.defaults.color = '#1e293b';

function barChart(id, { labels, values, colours, horizontal = false }) {
  const canvas = document.getElementById(id);
  if (!canvas) return null;
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [{ label: gettext('Suggestions'), data: values, backgroundColor: colours, borderRadius: 3 }],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,  // a picture of the table beside it, drawn once
      plugins: { legend: { display: false } },
      scales: {
        [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
        [horizontal ? 'y' : 'x']: { grid: { display: false } },
      },
    },
  });
}

const charts = [
  barChart('chart-category', {
    labels: config.categories.map((c) => c.label),
    values: config.categories.map((c) => c.count),
    colours: config.categories.map((c) => c.colour),
    horizontal: true,
  }),
  barChart('chart-status', {
    labels: config.statuses.map((s) => s.label),
    values: config.statuses.map((s) => s.count),
    colours: config.statuses.map((s) => STATUS_COLOURS[s.key] || '#475569'),
  }),
  barChart('chart-week', {
    labels: config.weeks.map((w) => w.week),
    values: config.weeks.map((w) => w.count),
    colours: '#0b5cad',
  }),
].filter(Boolean);
document.body.dataset.charts = String(charts.length);

// The hotspot map: the project area and one circle per hotspot, its size growing with the count (by area,
// so the eye compares counts fairly). No base map: the outline and the circles carry the information.
const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
const map = L.map('hotspot-map', {
  zoomControl: false, attributionControl: false, zoomSnap: 0.25,
  zoomAnimation: !still, fadeAnimation: !still, markerZoomAnimation: !still, inertia: !still,
});
L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
const area = L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
map.fitBounds(area.getBounds(), { padding: [12, 12] });
window.hotspotMap = map;  // for browser tests

const largest = Math.max(1, ...config.hotspots.map((h) => h.count));
for (const spot of config.hotspots) {
  const circle = L.circleMarker([spot.lat, spot.lon], {
    radius: 6 + 22 * Math.sqrt(spot.count / largest),
    color: '#1e293b', weight: 1.5, fillColor: spot.colour, fillOpacity: 0.55, className: 'hotspot',
  }).addTo(map);
  const text = interpolate(
    gettext('%(count)s suggestions within about %(radius)s m, mostly %(category)s'),
    { count: spot.count, radius: spot.radius, category: spot.category },
  );
  circle.bindTooltip(element('span', null, text));
  // A circle is an SVG path: as an image with a name it is readable; the table below lists the same.
  const path = circle.getElement();
  if (path) {
    path.setAttribute('role', 'img');
    path.setAttribute('aria-label', text);
  }
}
document.body.dataset.hotspots = String(config.hotspots.length);
