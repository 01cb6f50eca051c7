// The planners' coverage page: a choropleth of the districts (suggestions per km²), the gaps of unmet
// demand as numbered circles and the street segments coloured by demand (from their vector tiles). The
// tables on the page hold the same figures (the maps are aria-labelled pictures of them); data comes as
// JSON in the page, text reaches the DOM only through textContent.
import L from 'leaflet';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
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

// Street segments by demand: five classes from light to dark and thin to wide (ColorBrewer's "YlOrRd"),
// streets without demand as thin grey lines under them (their tiles carry them from zoom 14 on).
const SEGMENT_CLASSES = ['#fecc5c', '#fd8d3c', '#f03b20', '#bd0026', '#67000d'];
const SEGMENT_WIDTHS = [2, 3, 4, 5.5, 7];
const TILE = 256;

// The colour (and width) of class `index` of `count`: spread over the five, so that the lowest class is always
// the lightest and the highest the darkest, however few classes few segments make.
function shade(index, count) {
  return count > 1 ? Math.round((index * (SEGMENT_CLASSES.length - 1)) / (count - 1)) : 2;
}

function segmentFeatures(buffer) {
  const tile = new VectorTile(new PbfReader(new Uint8Array(buffer)));
  const source = tile.layers.segments;
  const features = [];
  if (!source) return features;
  const scale = TILE / source.extent;
  for (let i = 0; i < source.length; i += 1) {
    const feature = source.feature(i);
    const lines = feature.loadGeometry().map((line) => line.map((p) => [p.x * scale, p.y * scale]));
    features.push({ lines, demand: Number(feature.properties.demand) || 0 });
  }
  return features;
}

function segmentGrid(limits) {
  return L.GridLayer.extend({
    createTile(coords, done) {
      const ratio = window.devicePixelRatio || 1;
      const canvas = L.DomUtil.create('canvas', 'segment-tile');
      canvas.width = TILE * ratio;
      canvas.height = TILE * ratio;
      const url = config.segments.tiles.replace('{z}', coords.z).replace('{x}', coords.x)
        .replace('{y}', coords.y);
      fetch(url, { credentials: 'same-origin' })
        .then((response) => {
          if (response.status === 204) return null;
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.arrayBuffer();
        })
        .then((buffer) => {
          const ctx = canvas.getContext('2d');
          ctx.scale(ratio, ratio);
          ctx.lineJoin = 'round';
          ctx.lineCap = 'round';
          // The tile has the least demanded first: the most demanded are drawn on top.
          for (const feature of buffer ? segmentFeatures(buffer) : []) {
            const index = shade(classOf(feature.demand, limits), limits.length + 1);
            ctx.strokeStyle = feature.demand > 0 ? SEGMENT_CLASSES[index] : '#94a3b8';
            ctx.lineWidth = feature.demand > 0 ? SEGMENT_WIDTHS[index] : 1;
            ctx.beginPath();
            for (const line of feature.lines) {
              line.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
            }
            ctx.stroke();
          }
          done(null, canvas);
        })
        .catch((error) => done(error, canvas));
      return canvas;
    },
  });
}

if (document.getElementById('segment-map')) {
  const map = baseMap('segment-map');
  // Open where the demand is, not on the whole project area: the network may cover only its centre.
  const [west, south, east, north] = config.segments.bounds;
  map.fitBounds([[south, west], [north, east]], { padding: [16, 16], maxZoom: 17 });
  // Breaks at the quintiles the server counted; equal ones (few segments) merge into one class.
  const limits = [...new Set(config.segments.breaks)].filter((b) => b < config.segments.most);
  const Grid = segmentGrid(limits);
  const grid = new Grid({ maxNativeZoom: 18 }).addTo(map);
  grid.on('load', () => { document.body.dataset.segmentsLoaded = '1'; });  // for browser tests
  const legend = document.getElementById('segment-legend');
  const edges = [1, ...limits.map((b) => b + 1)];
  edges.forEach((from, index) => {
    const swatch = element('i');
    swatch.style.background = SEGMENT_CLASSES[shade(index, edges.length)];
    const to = index < limits.length ? limits[index] : config.segments.most;
    const label = from >= to
      ? interpolate(gettext('demand %(value)s'), { value: to })
      : interpolate(gettext('demand %(from)s–%(to)s'), { from, to });
    const entry = element('span');
    entry.append(swatch, document.createTextNode(label));
    legend.append(entry);
  });
  window.segmentMap = map;  // for browser tests
}
