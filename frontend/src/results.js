// The survey results page for planners: a bar chart per choice question, a histogram per number or scale,
// responses per day, and a map of the places and routes people drew. Every chart has its table on the page
// (the charts are aria-hidden pictures of those tables); the data comes as JSON in the page (CSP: no inline
// script), text reaches the DOM only through textContent.
import {
  BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip,
} from 'chart.js';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './results.css';
import { element, paintSwatches } from './dom.js';
import { gettext, interpolate } from './i18n.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const config = JSON.parse(document.getElementById('results-config').textContent);
paintSwatches();
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
Chart.defaults.color = '#1e293b';

function barChart(canvas, { labels, values, histogram = false, horizontal = false, label }) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [{
        label, data: values, backgroundColor: histogram ? '#0f766e' : '#0b5cad', borderRadius: histogram ? 0 : 3,
        // A histogram's bars touch: the bins are one continuous range.
        barPercentage: histogram ? 1 : 0.8, categoryPercentage: histogram ? 1 : 0.8,
      }],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: {
        [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
        [horizontal ? 'y' : 'x']: { grid: { display: false } },
      },
    },
  });
}

let charts = 0;
for (const chart of config.charts) {
  const canvas = document.getElementById(chart.id);
  if (!canvas) continue;
  barChart(canvas, { ...chart, label: gettext('Answers') });
  charts += 1;
}
const days = document.getElementById('chart-days');
if (days) {
  barChart(days, {
    labels: config.days.map((d) => d.day), values: config.days.map((d) => d.count), label: gettext('Responses'),
  });
  charts += 1;
}
document.body.dataset.charts = String(charts);

// The map: the project outline, lines as drawn (dashed differently per question), points clustered by the
// server where dense (a circle with the number of answers), each in its question's colour.
const mapBox = document.getElementById('results-map');
if (mapBox) {
  const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const map = L.map(mapBox, {
    zoomControl: false, zoomSnap: 0.25, scrollWheelZoom: false,
    zoomAnimation: !still, fadeAnimation: !still, markerZoomAnimation: !still, inertia: !still,
  });
  L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    map.attributionControl.remove();
  }
  const area = L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
  map.fitBounds(area.getBounds(), { padding: [12, 12] });
  const dashes = [null, '8 6', '2 6', '12 4 2 4'];
  const questionIds = Object.keys(config.questions);
  let drawn = 0;
  L.geoJSON(config.answers, {
    style: (feature) => {
      const question = config.questions[feature.properties.question] || {};
      const index = questionIds.indexOf(String(feature.properties.question));
      return { color: question.colour || '#334155', weight: 3, opacity: 0.7, dashArray: dashes[index % dashes.length] };
    },
    pointToLayer: (feature, latlng) => {
      const question = config.questions[feature.properties.question] || {};
      const count = feature.properties.count;
      return L.circleMarker(latlng, {
        radius: count > 1 ? 6 + 4 * Math.sqrt(count) : 5,
        color: '#ffffff', weight: 1.5, fillColor: question.colour || '#334155', fillOpacity: 0.75,
      });
    },
    onEachFeature: (feature, layer) => {
      const question = config.questions[feature.properties.question] || {};
      const count = feature.properties.count;
      let text;
      if (feature.geometry.type === 'LineString') text = interpolate(gettext('A line drawn for question %(number)s'), { number: question.number });
      else if (count > 1) text = interpolate(gettext('%(count)s answers to question %(number)s here'), { count, number: question.number });
      else text = interpolate(gettext('An answer to question %(number)s'), { number: question.number });
      layer.bindTooltip(element('span', null, text));
      drawn += 1;
    },
  }).addTo(map);
  window.resultsMap = map;  // for browser tests
  document.body.dataset.mapFeatures = String(drawn);
}
