// Leaflet as the global `L`, which Leaflet-Geoman extends when it is evaluated. Leaflet is CommonJS, and
// esbuild runs a CommonJS import in the importing module's body, after that module's ES imports: importing
// this module before Geoman (see geoman.js) puts Leaflet in place first, in one bundle or split in chunks.
import L from 'leaflet';

window.L = L;
