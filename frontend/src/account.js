// "My suggestions": the category swatches take their colours (a style attribute would break the CSP).
import './account.css';
import { paintSwatches } from './dom.js';

paintSwatches();

// The alert form's map (account/alert_form.html): loaded only on that page, in its own chunk.
if (document.getElementById('alert-config')) import('./alert-map.js');

// Alerts made without an account carry the anti-spam proof (the alert and district forms): one press
// solves it, then sends. Signed-in people never load the widget.
const antiSpam = document.getElementById('anti-spam-config');
if (antiSpam) {
  import('./anti-spam.js').then(({ setUpAntiSpam, solveBeforeSubmit }) => {
    setUpAntiSpam(JSON.parse(antiSpam.textContent));
    solveBeforeSubmit();
  });
}
