// "Make a suggestion" loads the new-suggestion flow on its first press. Leaflet-Geoman, the anti-spam
// widget and the form's code are several hundred KB of script that most visitors, who read the map, never
// run: the map page starts without them (esbuild splits them into chunks that import() fetches).
import { gettext } from './i18n.js';

export function setUpComposeStart(map, config, { announce, sheet, onCreated }) {
  const start = document.getElementById('compose-start');
  if (!start || !document.getElementById('compose')) return;
  const failed = document.getElementById('compose-load-error');
  const label = start.textContent;
  let compose = null;   // the loaded flow: { open }
  let loading = false;

  async function load() {
    // All at once; compose.js imports the anti-spam widget itself, from what is fetched here already.
    const [{ setUpCompose }, { setUpPlacement }] = await Promise.all([
      import('./compose.js'), import('./placement.js'), config.antiSpam ? import('./anti-spam.js') : null,
    ]);
    // Compose first: its `pm:create` shows the title field that placement's own handler then focuses.
    const compose = await setUpCompose(map, config, { onCreated, sheet, announce });
    setUpPlacement(map, config, { announce, panel: sheet.panel });
    return compose;
  }

  start.addEventListener('click', async () => {
    if (loading) return;
    if (!compose) {
      loading = true;
      failed.textContent = '';
      start.setAttribute('aria-busy', 'true');
      start.textContent = gettext('Loading the form …');
      try {
        compose = await load();
      } catch (error) {
        // A dropped connection: the next press tries again (the browser does not keep a failed fetch).
        failed.textContent = gettext(
          'The form could not be loaded. Please check your connection and press the button again.',
        );
        console.error(error);  // for whoever looks into it: which chunk, or a failing setup
        return;
      } finally {
        loading = false;
        start.removeAttribute('aria-busy');
        start.textContent = label;
      }
    }
    compose.open();
  });
}
