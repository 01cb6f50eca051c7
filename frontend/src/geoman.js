// Leaflet-Geoman for every page that draws: import this module, never the package directly.
import './leaflet-global.js';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
