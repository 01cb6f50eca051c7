// Leaflet-Geoman for every page that draws (the project map, the survey). Geoman reads the global `L` when it
// loads; bundled Leaflet sets that global only once its module has run. Shared by several pages, Geoman
// lands in a chunk of its own that the browser runs before a page's own code, so Leaflet is run here first,
// in the same chunk, right before Geoman.
import L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';

export default L;
