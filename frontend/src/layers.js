// What the map draws for a viewport, from /map/: clusters (count, position, categories) at low zoom,
// suggestions at high zoom. All on one canvas renderer: thousands of shapes cost no DOM nodes.
import L from 'leaflet';
import { element, format } from './dom.js';
import { popupContent } from './popup.js';

export function createSuggestionLayers(map, config) {
  const categories = new Map(config.categories.map((c) => [c.key, c]));
  // tolerance widens the clickable area of thin lines on the canvas (in pixels on each side).
  const renderer = L.canvas({ padding: 0.3, tolerance: 8 });
  const features = L.featureGroup().addTo(map);
  const clusters = L.featureGroup().addTo(map);

  function featureLayer(feature) {
    const category = categories.get(feature.properties.category);
    const colour = category ? category.colour : '#475569';
    let layer;
    if (feature.geometry.type === 'Point') {
      const [lon, lat] = feature.geometry.coordinates;
      layer = L.circleMarker([lat, lon], {
        renderer, radius: 8, color: '#ffffff', weight: 2, fillColor: colour, fillOpacity: 0.95,
      });
    } else {
      layer = L.geoJSON(feature, { renderer, style: { color: colour, weight: 5, opacity: 0.9 } });
    }
    layer.feature = feature;
    layer.bindPopup(() => popupContent(feature, category, config), { maxWidth: 320 });
    return layer;
  }

  function clusterLayer(feature) {
    const [lon, lat] = feature.geometry.coordinates;
    const count = feature.properties.count;
    const zoomIn = () => map.setView([lat, lon], Math.min(map.getZoom() + 2, map.getMaxZoom()));
    if (count === 1) {
      // A cell with one suggestion shows it as a dot in its category's colour, not as a "1".
      const category = categories.get(Object.keys(feature.properties.categories)[0]);
      const dot = L.circleMarker([lat, lon], {
        renderer, radius: 6, color: '#ffffff', weight: 2, fillColor: category ? category.colour : '#475569',
        fillOpacity: 0.95,
      });
      return dot.on('click', zoomIn);
    }
    const size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 44 : 52;
    const label = element('span', 'cluster-count', count >= 10000 ? `${Math.round(count / 1000)}k` : String(count));
    const icon = L.divIcon({ className: 'cluster', html: label, iconSize: [size, size] });
    const marker = L.marker([lat, lon], {
      icon, keyboard: true, title: format(config.labels.cluster, { count }), alt: String(count),
    });
    marker.on('click', zoomIn);
    return marker;
  }

  function show(collection) {
    features.clearLayers();
    clusters.clearLayers();
    if (collection.mode === 'clusters') {
      for (const feature of collection.features) clusters.addLayer(clusterLayer(feature));
    } else {
      // Points after lines, so a point next to a line stays on top and clickable.
      const ordered = [...collection.features].sort(
        (a, b) => (a.geometry.type === 'Point') - (b.geometry.type === 'Point'),
      );
      for (const feature of ordered) features.addLayer(featureLayer(feature));
    }
  }

  return { show, features, clusters };
}
