// The planners' coverage page: a choropleth of the districts (suggestions per km²) and the gaps of unmet
// demand as numbered circles. The tables on the page hold the same figures (the maps are aria-labelled
// pictures of them); data comes as JSON in the page, text reaches the DOM only through textContent.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './coverage.css';
import { element, paintSwatches } from './dom.js';
import { gettext, interpolate } from './i18n.js';

const config = JSON.parse(document.getElementById('coverage-config').textContent);
paintSwatches();
const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

// Five classes from light to dark (ColorBrewer's sequential "Blues", readable in grey print too).
const CLASSES = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];

function baseMap(id) {
  const map = L.map(id, {
    zoomControl: false, attributionControl: false, zoomSnap: 0.25,
    zoomAnimation: !still, fadeAnimation: !still, markerZoomAnimation: !still, inertia: !still,
  });
  L.control.zoom({ zoomInTitle: gettext('Zoom in'), zoomOutTitle: gettext('Zoom out') }).addTo(map);
  const area = L.geoJSON(config.area, { className: 'project-area', interactive: false, fill: false }).addTo(map);
  map.fitBounds(area.getBounds(), { padding: [12, 12] });
  return map;
}

// Class breaks at quantiles of the districts that hold no other (their parts are drawn over them).
function breaks(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return [];
  return [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

function classOf(value, limits) {
  let index = 0;
  while (index < limits.length && value > limits[index]) index += 1;
  return index;
}

if (document.getElementById('district-map')) {
  const map = baseMap('district-map');
  const limits = breaks(config.districts.filter((d) => d.leaf).map((d) => d.perKm2));
  // Parents first, so the districts nested in them are drawn on top.
  for (const district of config.districts) {
    const fill = CLASSES[classOf(district.perKm2, limits)];
    const text = interpolate(
      gettext('%(name)s: %(count)s suggestions, %(density)s per km², %(facilities)s existing'),
      {
        name: district.name, count: district.suggestions, density: district.perKm2,
        facilities: district.facilities,
      },
    );
    const shape = L.geoJSON(district.geometry, {
      style: {
        color: '#1e293b', weight: district.leaf ? 1 : 2.5, fillColor: fill,
        fillOpacity: district.leaf ? 0.75 : 0, className: 'district',
      },
    }).addTo(map);
    shape.bindTooltip(element('span', null, text), { sticky: true });
    shape.eachLayer((layer) => {
      const path = layer.getElement();
      if (path) {
        path.setAttribute('role', 'img');
        path.setAttribute('aria-label', text);
        path.dataset.district = String(district.id);
      }
    });
  }
  const legend = document.getElementById('district-legend');
  const edges = [0, ...limits];
  CLASSES.forEach((colour, index) => {
    const swatch = element('i');
    swatch.style.background = colour;
    const label = index < limits.length
      ? interpolate(gettext('%(from)s–%(to)s per km²'), { from: edges[index], to: limits[index] })
      : interpolate(gettext('over %(from)s per km²'), { from: edges[index] });
    const entry = element('span');
    entry.append(swatch, document.createTextNode(label));
    legend.append(entry);
  });
  window.districtMap = map;  // for browser tests
  document.body.dataset.districts = String(config.districts.length);
}

if (document.getElementById('gap-map')) {
  const map = baseMap('gap-map');
  const largest = Math.max(1, ...config.gaps.map((g) => g.supports + g.suggestions));
  for (const gap of config.gaps) {
    const weight = gap.supports + gap.suggestions;
    const circle = L.circleMarker([gap.lat, gap.lon], {
      radius: 7 + 18 * Math.sqrt(weight / largest),
      color: '#7f1d1d', weight: 1.5, fillColor: gap.colour, fillOpacity: 0.6, className: 'gap',
    }).addTo(map);
    const text = interpolate(
      gettext('Gap %(rank)s: %(count)s suggestions with %(supports)s supports'),
      { rank: gap.rank, count: gap.suggestions, supports: gap.supports },
    );
    circle.bindTooltip(element('span', null, text));
    const path = circle.getElement();
    if (path) {
      path.setAttribute('role', 'img');
      path.setAttribute('aria-label', text);
    }
  }
  window.gapMap = map;
  document.body.dataset.gaps = String(config.gaps.length);
}
