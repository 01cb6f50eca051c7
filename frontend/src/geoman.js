// Leaflet-Geoman for every page that draws: import this module, never the package directly.
import L from 'leaflet';
import './leaflet-global.js';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';

// Geoman gives `map.pm` to maps made after it loaded (an init hook). The project map exists before its
// compose flow loads Geoman: give that map what the hook would have. Layers drawn before stay without
// `pm`, so nobody can edit the suggestions already on the map.
export function withGeoman(map) {
  if (!map.pm) {
    map.pm = new L.PM.Map(map);
    map.pm.setGlobalOptions({});
  }
  return map;
}
