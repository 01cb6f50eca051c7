// "My suggestions": the category swatches take their colours (a style attribute would break the CSP).
import './account.css';
import { paintSwatches } from './dom.js';

paintSwatches();

// The alert form's map (account/alert_form.html): loaded only on that page, in its own chunk.
if (document.getElementById('alert-config')) import('./alert-map.js');
