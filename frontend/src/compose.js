// The new-suggestion flow in the side panel: choose a category, place a point or draw a line with
// Leaflet-Geoman (the category decides which), see similar suggestions and existing facilities nearby,
// describe it, send it.
// A path follows the streets when the project has a street network (route-drawing.js: tapped points routed by
// the server, or the keyboard form "along <street> from … to …"); drawing it freely is one switch away.
// Every server message is shown at the field it concerns; one about the place also beside the send button.
// Photos (compose-photos.js) go with the suggestion in one multipart form, sent with upload progress.
// This module and what it imports load when composing starts (compose-start.js), the anti-spam widget only
// for people who need it (anonymous participants).
import L from 'leaflet';
import { nameDrawingMarkers, speakOurLanguage, withGeoman } from './geoman.js';
import { api, ApiError, newIdempotencyKey, sendForm } from './api.js';
import { setUpComposePhotos } from './compose-photos.js';
import { element, withId } from './dom.js';
import { gettext, interpolate, ngettext } from './i18n.js';
import { setUpRoutePanel, streetNetwork } from './route-drawing.js';
import pinImage from 'leaflet/dist/images/marker-icon-2x.png';

const SHAPES = { point: 'Marker', line: 'Line', polygon: 'Polygon' };
const FIELDS = ['category', 'geometry', 'title', 'text', 'name', 'email', 'altcha'];

export async function setUpCompose(map, config, { onCreated, sheet, announce }) {
  const start = document.getElementById('compose-start');
  const panel = document.getElementById('compose');
  const form = document.getElementById('compose-form');
  const drawStep = document.getElementById('compose-draw');
  const textStep = document.getElementById('compose-text-step');
  const hint = document.getElementById('draw-hint');
  const again = document.getElementById('draw-again');
  const send = document.getElementById('compose-send');
  const result = document.getElementById('compose-result');
  const sendProblem = document.getElementById('compose-send-problem');
  const duplicateBox = document.getElementById('duplicates');
  const duplicateList = document.getElementById('duplicate-list');
  const facilitiesBox = document.getElementById('facilities-nearby');
  const lineMode = document.getElementById('line-mode');
  const routeBox = document.getElementById('route-drawing');
  const progressBox = document.getElementById('compose-progress');
  const progressBar = document.getElementById('compose-progress-bar');
  const uploadStatus = document.getElementById('compose-upload-status');
  const photos = setUpComposePhotos(config, { announce });
  withGeoman(map);

  // Whether paths can follow the streets here: asked once, when composing starts. Without an answer (no
  // network, no connection) paths are drawn freely, as before.
  const network = await streetNetwork(config);

  // Signed-in people prove nothing: the widget's script stays on the server for them.
  const antiSpam = config.antiSpam ? await import('./anti-spam.js') : null;
  if (antiSpam) antiSpam.setUpAntiSpam(config.antiSpam);
  speakOurLanguage(map);  // Geoman's hints in our words (its own German says "Du")
  nameDrawingMarkers(map);
  // The placed pin can be dragged to correct it: Leaflet's pin image in a 44 px box a finger can hold.
  const pin = L.divIcon({
    className: 'compose-pin', html: `<img src="${pinImage}" alt="">`, iconSize: [44, 48], iconAnchor: [22, 46],
  });
  map.pm.setGlobalOptions({
    allowSelfIntersection: false,
    snappable: false,
    continueDrawing: false,
    markerStyle: { icon: pin, title: gettext('Position of your suggestion: drag it to correct it') },  // the title names the pin for screen readers
  });

  let drawn = null;
  let kind = null;
  let routed = null;       // the server's routed Feature while the path follows the streets
  let stepShown = false;   // the text step was shown once for this drawing (phones move the sheet to it once)
  let duplicateRequest = null;
  let facilitiesRequest = null;

  const error = (field) => document.getElementById(`error-${field}`);
  function clearErrors() {
    for (const field of [...FIELDS, 'form']) {
      const slot = error(field);  // name, e-mail and anti-spam exist only in the anonymous form
      if (slot) slot.textContent = '';
    }
    for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    photos.clearErrors();
  }
  function showError(field, message) {
    const slot = (FIELDS.includes(field) && error(field)) || error('form');
    slot.textContent = message;
    const input = {
      title: form.elements.title, text: form.elements.text, name: form.elements.name, email: form.elements.email,
    }[field];
    if (input) input.setAttribute('aria-invalid', 'true');
  }

  // The fields the server refused are said at themselves, which may be out of view by now (on a phone above
  // the sheet): beside the send button a line names them, and the first one gets focus, scrolled into view.
  function sayInvalidFields() {
    const invalid = [...form.querySelectorAll('[aria-invalid="true"]')];
    if (invalid.length === 0) return;
    const names = invalid.map((input) => (input.labels[0] ? input.labels[0].textContent.trim() : input.name));
    // A photo's description has its own message slot (there may be three of them).
    const message = (input) => (document.getElementById(input.dataset.errorSlot) || error(input.name)).textContent;
    const details = invalid.map((input, i) => `${names[i]}: ${message(input)}`);
    if (!error('form').textContent) error('form').textContent = interpolate(gettext('Not sent yet. Please check: %(fields)s'), { fields: details.join(' ') });
    invalid[0].focus({ preventScroll: true });
    invalid[0].scrollIntoView({ block: 'center' });
    // The line beside the send button too, when both fit in the panel (the photos may stand between them).
    const body = document.getElementById('panel-body');
    const view = body.getBoundingClientRect();
    const top = invalid[0].getBoundingClientRect().top;
    const bottom = error('form').getBoundingClientRect().bottom;
    if (bottom > view.bottom && bottom - top <= view.height - 16) body.scrollTop += bottom - view.bottom + 8;
  }

  // A place the server refuses (a line leaving the project area) is said under "2. Where?", which may be out
  // of view by now, and beside the send button, which then sends nothing until the place is corrected.
  let placeProblem = null;
  function setPlaceProblem(message) {
    placeProblem = message;
    sendProblem.textContent = message ? placeBlocksSend(message) : '';
    if (message) send.setAttribute('aria-describedby', sendProblem.id);
    else send.removeAttribute('aria-describedby');
  }
  // The server's message says what to change; this says where, beside the send button.
  function placeBlocksSend(problem) {
    return interpolate(
      gettext('The suggestion cannot be sent like this. About the place under “2. Where?”: %(problem)s'), { problem },
    );
  }
  function inView(element) {
    const box = element.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }
  function sayPlaceProblem() {
    sendProblem.textContent = placeBlocksSend(placeProblem);
    sendProblem.focus({ preventScroll: true });
    sendProblem.scrollIntoView({ block: 'nearest' });
  }

  function removeDrawing() {
    map.pm.disableDraw();
    routing.stop();
    routing.clear();
    if (drawn && !routed) drawn.remove();
    drawn = null;
    routed = null;
    stepShown = false;
    setPlaceProblem(null);
    if (duplicateRequest) duplicateRequest.abort();
    duplicateBox.hidden = true;
    duplicateList.replaceChildren();
    if (facilitiesRequest) facilitiesRequest.abort();
    facilitiesBox.replaceChildren();
  }

  const alongStreets = () => kind === 'line' && network && form.elements.line_mode.value === 'routed';

  function startDrawing() {
    removeDrawing();
    lineMode.hidden = !(kind === 'line' && network);
    routeBox.hidden = !alongStreets();
    if (alongStreets()) {
      hint.textContent = gettext('Tap the start and the end of the path on the map: it follows the streets open to bicycles. Each further tap extends it; drag the points to change the route.');
      again.hidden = true;
      routing.start();
      if (sheet.isNarrow()) sheet.draw();
      return;
    }
    hint.textContent = {
      point: gettext('Tap or click the map where it should be. You can drag the pin afterwards.'),
      // One literal per text, so that `make messages` finds it.
      line: gettext('Click the map to set the points of the line; click the last point again to finish. Drag the points afterwards to correct it.'),
      polygon: gettext('Click the map to set the corners; click the first corner again to finish.'),
    }[kind];
    again.hidden = true;
    map.pm.enableDraw(SHAPES[kind], { finishOn: null });
  }

  // The routed path: each answer replaces the line; the text step opens with the first one.
  const routing = setUpRoutePanel(map, config, network, {
    onRoute(feature, line) {
      if (!feature) {
        routed = null;
        drawn = null;
        return;
      }
      routed = feature;
      drawn = line;
      error('geometry').textContent = '';
      textStep.hidden = false;
      send.hidden = false;
      if (!stepShown) {
        stepShown = true;
        sheet.showStep(textStep, line);
      }
      checkNearby();
    },
    // Where the network cannot help, free drawing is offered right there.
    onGoFree() {
      form.elements.line_mode.value = 'free';
      startDrawing();
      form.querySelector('input[name=line_mode][value=free]').focus();
    },
  });

  function adopt(layer) {
    drawn = layer;
    map.pm.disableDraw();
    // Editing stays on so the citizen can drag the pin or the line's points before sending.
    layer.pm.enable({ allowSelfIntersection: false, draggable: kind === 'point' });
    layer.on('pm:edit pm:dragend', checkNearby);
    hint.textContent = kind === 'point'
      ? gettext('You can drag the pin to correct the position.')
      : gettext('You can drag the points to correct the position.');
    again.hidden = false;
    textStep.hidden = false;
    send.hidden = false;
    error('geometry').textContent = '';
    // On a phone the sheet opens on the next step, with the new shape in view above it.
    sheet.showStep(textStep, layer);
    checkNearby();
  }

  function geometry() {
    if (routed) return routed.geometry;
    return drawn ? drawn.toGeoJSON(7).geometry : null;
  }

  // What the place has around it: similar suggestions, and the facilities that already exist there.
  function checkNearby() {
    checkDuplicates();
    checkFacilities();
  }

  async function checkDuplicates() {
    const geom = geometry();
    const category = form.elements.category.value;
    if (!geom || !category) return;
    if (duplicateRequest) duplicateRequest.abort();
    const request = new AbortController();
    duplicateRequest = request;
    try {
      // POST: the geometry of a long line would not fit in a query string.
      const data = await api(config.urls.duplicates, {
        method: 'POST', body: { category, geometry: geom }, signal: request.signal,
      });
      if (request.signal.aborted) return; // as for the facilities: a place no longer drawn
      error('geometry').textContent = '';
      setPlaceProblem(null);
      renderDuplicates(data.features);
    } catch (failure) {
      if (failure.name === 'AbortError') return;
      // A slow answer may come when the person is already at the send button: the messages it adds above
      // would push the button and its problem out of view, so the problem is brought back into view.
      const atSend = !send.hidden && inView(send);
      duplicateBox.hidden = true;
      if (!(failure instanceof ApiError)) return;
      showError(failure.fields.geometry ? 'geometry' : 'form', failure.message);
      if (failure.fields.geometry) setPlaceProblem(failure.message);
      if (atSend && placeProblem) sendProblem.scrollIntoView({ block: 'nearest' });
    }
  }

  function renderDuplicates(features) {
    duplicateList.replaceChildren();
    duplicateBox.hidden = features.length === 0;
    for (const feature of features) {
      const p = feature.properties;
      const item = element('li', 'duplicate');
      const link = element('a', 'duplicate-title', p.title);
      link.href = withId(config.urls.detail, p.id);
      link.target = '_blank';
      const facts = p.overlap !== null && p.overlap !== undefined
        ? interpolate(gettext('runs along %(percent)s % of it'), { percent: Math.round(p.overlap * 100) })
        : interpolate(gettext('%(distance)s m away'), { distance: p.distance_m });
      const meta = element('span', 'duplicate-meta', `${facts} · ${gettext('Supports')}: ${p.support_count}`);
      const button = element('button', 'button button--small', gettext('Support this instead'));
      button.type = 'button';
      button.addEventListener('click', async () => {
        button.disabled = true;
        let failure = null;
        try {
          const body = antiSpam ? await antiSpam.antiSpamFields(form) : undefined;
          const supported = await api(withId(config.urls.support, p.id), { method: 'POST', body });
          button.textContent = gettext('Supported – thank you!');
          // Asked once per suggestion (the server remembers): following is chosen on its page.
          if (supported && supported.ask_follow) {
            const ask = element('a', 'duplicate-follow', gettext('Follow it: get an e-mail about what becomes of it'));
            ask.href = `${withId(config.urls.detail, p.id)}?ask=follow#follow`;
            ask.target = '_blank';
            item.append(ask);
          }
        } catch (refused) {
          failure = refused;
          button.disabled = false;
          meta.textContent = refused.message;
        }
        // A spent proof cannot send the suggestion too: the widget solves a new one.
        if (antiSpam && antiSpam.proofSpent(failure)) antiSpam.resetAntiSpam(form);
      });
      item.append(link, meta, button);
      duplicateList.append(item);
    }
  }

  // A hint only: whatever goes wrong here (a slow or refused answer, no connection), the flow goes on
  // without it; a refused place is said by the duplicate check. A point asks with GET (no write budget is
  // spent on dragging a pin), a line with POST (its vertices would not fit in a query string).
  async function checkFacilities() {
    const geom = geometry();
    const category = form.elements.category.value;
    if (facilitiesRequest) facilitiesRequest.abort();
    if (!geom || !category) return;
    const request = new AbortController();
    facilitiesRequest = request;
    try {
      const data = geom.type === 'Point'
        ? await api(`${config.urls.facilitiesNearby}?${new URLSearchParams({ category, geometry: JSON.stringify(geom) })}`, { signal: request.signal })
        : await api(config.urls.facilitiesNearby, { method: 'POST', body: { category, geometry: geom }, signal: request.signal });
      // An answer that had arrived when the pin was removed or moved (aborting comes too late then) is of
      // a place that is no longer drawn.
      if (request.signal.aborted) return;
      renderFacilities(data);
    } catch (failure) {
      if (failure.name !== 'AbortError') facilitiesBox.replaceChildren();
    }
  }

  // "Bicycle parking (OSM) “Europabad” with 77 places, 90 m away": texts from the layer's attributes reach
  // the page only as text nodes.
  function facilitySentence(p) {
    const away = p.distance_rounded_m === 0
      ? gettext('less than 10 m away')
      : interpolate(gettext('%(distance)s m away'), { distance: p.distance_rounded_m });
    const facility = p.name
      ? interpolate(gettext('%(layer)s “%(name)s”'), { layer: p.layer_name, name: p.name })
      : p.layer_name;
    if (p.capacity === null || p.capacity === undefined) {
      return interpolate(gettext('%(facility)s, %(away)s'), { facility, away });
    }
    return interpolate(ngettext(
      '%(facility)s with %(count)s place, %(away)s', '%(facility)s with %(count)s places, %(away)s', p.capacity,
    ), { facility, count: p.capacity, away });
  }

  // "90 m" stays on one line.
  const keepUnits = (text) => text.replace(/(\d) (k?m)\b/g, '$1\u00a0$2');

  function renderFacilities(data) {
    const sentences = data.features.map((feature) => keepUnits(facilitySentence(feature.properties)));
    // The box is a live region: the same facilities after a small drag are not said again.
    const shown = [...facilitiesBox.querySelectorAll('li')].map((item) => item.textContent);
    if (sentences.join('\n') === shown.join('\n')) return;
    if (sentences.length === 0) return keepStepInView(() => facilitiesBox.replaceChildren());
    const title = element('p', 'facilities-nearby-title');
    title.append(element('strong', null, keepUnits(interpolate(gettext('Already there within %(radius)s m:'), { radius: data.radius_m }))));
    const list = element('ul');
    for (const sentence of sentences) list.append(element('li', 'facility', sentence));
    keepStepInView(() => facilitiesBox.replaceChildren(title, list));
  }

  // On a phone the sheet shows the text step from its top, where the hint arrives a moment later; the
  // browser's scroll anchoring would keep the step's title in place and the hint just out of view above it.
  function keepStepInView(change) {
    const body = document.getElementById('panel-body');
    const offset = () => textStep.getBoundingClientRect().top - body.getBoundingClientRect().top;
    const atTop = sheet.isNarrow() && !textStep.hidden && Math.abs(offset()) < 2;
    change();
    if (atTop) body.scrollTop += offset();
  }

  function reset() {
    removeDrawing();
    form.reset();
    photos.clear();
    if (antiSpam) antiSpam.resetAntiSpam(form);
    clearErrors();
    drawStep.hidden = true;
    textStep.hidden = true;
    send.hidden = true;
  }

  // While composing, clicks on the map place or draw; existing suggestions must not swallow them.
  const drawing = (on) => map.getContainer().classList.toggle('map--drawing', on);

  function open() {
    reset();
    drawing(true);
    result.hidden = true;
    panel.hidden = false;
    start.hidden = true;
    // On a phone the form opens in the whole sheet, from its first step (the button may have been pressed in
    // the collapsed sheet, the form below it out of view).
    if (sheet.isNarrow()) {
      sheet.expand();
      panel.scrollIntoView({ block: 'start' });
    }
    form.querySelector('input[name=category]').focus({ preventScroll: sheet.isNarrow() });
  }

  // Cancelling while photos are on their way stops the upload: the server gets half a body and stores
  // nothing. Once all bytes are out the server is at work and the button waits for its answer (stopping then
  // could leave a stored suggestion the citizen believes cancelled).
  let upload = null;
  const cancel = document.getElementById('compose-cancel');
  cancel.addEventListener('click', () => {
    if (upload) upload.abort();
    reset();
    drawing(false);
    panel.hidden = true;
    start.hidden = false;
    start.focus();
  });

  form.addEventListener('change', (event) => {
    if (event.target.name === 'line_mode') {
      startDrawing();
      return;
    }
    if (event.target.name !== 'category') return;
    const newKind = event.target.dataset.kind;
    error('category').textContent = '';
    drawStep.hidden = false;
    if (newKind !== kind || !drawn) {
      kind = newKind;
      startDrawing();
    } else {
      checkNearby();
    }
  });

  // Placing without a mouse (crosshair, coordinates) lives in placement.js; it draws through Geoman too.
  again.addEventListener('click', startDrawing);
  map.on('pm:create', (event) => {
    if (!routed) adopt(event.layer);
  });

  // A phone that loses the answer (a dropped connection) lets the citizen press send again: the same body
  // goes out under the same Idempotency-Key and the server repeats its first answer instead of storing the
  // suggestion twice. A changed body is a new request with a new key; a stored suggestion ends the key.
  // With photos, the same body is the same fields and the same files with the same descriptions.
  let lastSent = null;
  function idempotencyKey(body, files = []) {
    const sent = JSON.stringify([body, files]);
    if (!lastSent || lastSent.sent !== sent) lastSent = { key: newIdempotencyKey(), sent };
    return lastSent.key;
  }

  // How far the photos are on their way: a bar, and the same said politely at each quarter (a phone on a
  // slow connection may take a minute), then that the server is at work on them.
  let saidQuarter = 0;
  function progress(state, fraction) {
    form.setAttribute('aria-busy', String(state !== 'done'));
    progressBox.hidden = state === 'done';
    if (state === 'start') {
      saidQuarter = 0;
      progressBar.value = 0;
      uploadStatus.textContent = interpolate(ngettext(
        'Sending your suggestion with %(count)s photo …', 'Sending your suggestion with %(count)s photos …', photos.count,
      ), { count: photos.count });
    } else if (state === 'progress') {
      const percent = Math.round(fraction * 100);
      progressBar.value = percent;
      const quarter = Math.floor(percent / 25);
      if (quarter > saidQuarter && quarter < 4) {
        saidQuarter = quarter;
        uploadStatus.textContent = interpolate(gettext('Sending photos: %(percent)s % done'), { percent: quarter * 25 });
      }
    } else if (state === 'sent') {
      progressBar.removeAttribute('value');  // indeterminate: the server re-encodes the photos
      uploadStatus.textContent = gettext('Photos sent. They are being prepared …');
    } else {
      uploadStatus.textContent = '';
    }
  }

  // The suggestion with its photos: the Feature as JSON text, each file with its description, the anti-spam
  // members as form fields. The server knows a form sent again by its fields and its files' contents, so a
  // retry goes under the same Idempotency-Key as JSON does.
  async function sendWithPhotos(body) {
    const files = photos.entries().map(({ file, alt }) => [file.name, file.size, file.lastModified, alt]);
    const key = idempotencyKey(body, files);
    const { altcha, website, ...feature } = body;
    const data = new FormData();
    data.append('feature', JSON.stringify(feature));
    for (const { file, alt } of photos.entries()) {
      data.append('photo', file, file.name);
      data.append('alt', alt);
    }
    if (altcha !== undefined) data.append('altcha', altcha);
    if (website !== undefined) data.append('website', website);
    progress('start');
    upload = new AbortController();
    try {
      return await sendForm(config.urls.create, data, {
        idempotencyKey: key,
        signal: upload.signal,
        onProgress: (fraction) => progress('progress', fraction),
        onSent: () => {
          cancel.disabled = true;
          progress('sent');
        },
      });
    } finally {
      upload = null;
      cancel.disabled = false;
      progress('done');
    }
  }

  // A refusal about photos: one photo's (the server names it) next to that photo, the count beside the photos.
  function showPhotoError(failure, fields) {
    const onDescription = Boolean(fields.alt);
    const message = [...(fields.photo || []), ...(fields.alt || [])].join(' ') || failure.message;
    const control = failure.photoIndex === null ? null : photos.showError(failure.photoIndex, message, { onDescription });
    if (!control) {
      photos.showProblem(message);
      return;
    }
    if (!onDescription) {
      // Beside the send button only which photo: the message itself stands at the photo.
      error('form').textContent = interpolate(
        gettext('Not sent yet. Please check: %(fields)s'), { fields: photos.nameOf(failure.photoIndex) },
      );
      control.focus({ preventScroll: true });
      control.scrollIntoView({ block: 'center' });
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const category = form.elements.category.value;
    if (!category) return showError('category', gettext('Please choose what you suggest.'));
    if (!drawn) return showError('geometry', gettext('Please place your suggestion on the map first.'));
    if (placeProblem) return sayPlaceProblem();
    // The server's rule for photos, said before a long upload: each needs its description.
    if (photos.missingDescription()) return sayInvalidFields();
    send.disabled = true;
    const properties = { category, title: form.elements.title.value, text: form.elements.text.value };
    // How a path was drawn: along the streets (the routed line as the server gave it) or freely.
    if (kind === 'line') properties.line_drawing = routed ? 'routed' : 'free';
    const body = { type: 'Feature', geometry: geometry(), properties };
    const sentPhotos = photos.count;
    try {
      if (antiSpam) {
        // Anonymous: a public name and an e-mail address may come along, and the solved proof-of-work.
        properties.name = form.elements.name.value;
        properties.email = form.elements.email.value;
        Object.assign(body, await antiSpam.antiSpamFields(form));
      }
      const feature = sentPhotos
        ? await sendWithPhotos(body)
        : await api(config.urls.create, { method: 'POST', body, idempotencyKey: idempotencyKey(body) });
      lastSent = null;
      reset();
      drawing(false);
      panel.hidden = true;
      start.hidden = false;
      const pending = feature.properties.moderation_state === 'pending';
      // Photos waiting for review are listed to a signed-in author only: count the public ones instead.
      const shownPhotos = (feature.properties.photos || []).filter((photo) => photo.moderation_state === 'published');
      const photosPending = shownPhotos.length < sentPhotos;
      result.replaceChildren(element('p', null, pending
        ? gettext('Thank you! Your suggestion will be shown once a moderator has reviewed it.')
        : gettext('Thank you! Your suggestion is now on the map.')));
      if (!pending && photosPending) {
        result.append(element('p', null, gettext('Your photos will be shown once a moderator has reviewed them.')));
      }
      // Only a signed-in author can see a suggestion waiting for review: nobody else gets a link to it.
      if (!pending || !config.antiSpam) {
        const link = element('a', null, gettext('View your suggestion'));
        link.href = feature.properties.url;
        result.append(link);
      }
      result.hidden = false;
      result.focus();
      onCreated(feature);
    } catch (failure) {
      // A proof is spent once the server has checked it; after an anti-spam or rate-limit refusal the next
      // try needs a fresh one (the widget solves it again). A photo the server could not read was refused
      // after the proof was checked.
      const photoRefused = failure instanceof ApiError && failure.photoIndex !== null;
      if (antiSpam && (antiSpam.proofSpent(failure) || photoRefused)) antiSpam.resetAntiSpam(form);
      if (failure instanceof DOMException && failure.name === 'AbortError') return;  // cancelled: form reset
      if (!(failure instanceof ApiError)) return showError('form', gettext(
        'Your suggestion could not be sent. Please check your connection and try again.',
      ));
      // DRF nests the Feature's property errors under "properties": show each at its own field. Photos'
      // errors go to the photos.
      const { properties, photo, alt, ...top } = failure.fields;
      if (photo || alt || photoRefused) showPhotoError(failure, { photo, alt });
      const fields = { ...top, ...(properties && !Array.isArray(properties) ? properties : { form: properties }) };
      const entries = Object.entries(fields).filter(([, messages]) => messages);
      if (entries.length === 0 && !(photo || alt || photoRefused)) showError('form', failure.message);
      for (const [field, messages] of entries) {
        showError(field, Array.isArray(messages) ? messages.join(' ') : failure.message);
      }
      sayInvalidFields();
      if (fields.geometry) {
        setPlaceProblem(Array.isArray(fields.geometry) ? fields.geometry.join(' ') : failure.message);
        sayPlaceProblem();
      }
    } finally {
      send.disabled = false;
    }
  });

  return { open };
}
