// A suggestion's popup, built from DOM nodes: titles are user input and never parsed as HTML.
// With a published photo it shows its thumbnail under the title, with the photo's description as its
// alternative text. The map's features name only the photo's key (a column of the suggestion, read without
// a join): the description comes from the suggestion's photos when the popup opens (`fillPopupPhoto`). The
// photo's box has its size from the start, so the popup does not grow under the reader when it arrives.
import { api } from './api.js';
import { element, withId } from './dom.js';
import { gettext } from './i18n.js';
import { pendingLabel, planningStatusLabel } from './statuses.js';

const described = new Map();  // photo key -> { url, alt }: a popup opened again asks no more

export function popupContent(properties, category, config) {
  const p = properties;
  const root = element('article', 'popup');
  root.setAttribute('aria-labelledby', 'popup-title');
  root.append(element('p', 'popup-category', category ? category.label : p.category));
  const title = element('h3', 'popup-title', p.title);
  title.id = 'popup-title';
  title.tabIndex = -1;  // keyboard users land here when they open a popup
  root.append(title);
  if (hasPhoto(p)) root.append(element('figure', 'popup-photo'));
  const facts = element('dl', 'popup-facts');
  const status = p.moderation_state === 'pending' ? pendingLabel : planningStatusLabel(p.planning_status);
  for (const [term, value] of [
    ...(p.place ? [[gettext('Where'), p.place]] : []),  // "Kaiserstraße 12, Innenstadt-West"
    [gettext('Status'), status],
    [gettext('Supports'), String(p.support_count)],
    [gettext('Comments'), String(p.comment_count)],
  ]) {
    facts.append(element('dt', null, term), element('dd', null, value));
  }
  root.append(facts);
  const link = element('a', 'popup-link', gettext('Open suggestion'));
  link.href = withId(config.urls.detail, p.id);
  root.append(link);
  return root;
}

// The first published photo as the sources give it: the map's features a key, the list an object with its
// thumbnail and description, the suggestion's own endpoint its photos.
function hasPhoto(p) {
  if (typeof p.photo === 'string' || (p.photo && typeof p.photo === 'object')) return true;
  return Array.isArray(p.photos) && p.photos.some((photo) => photo.moderation_state === 'published');
}

async function firstPhoto(p, config) {
  if (p.photo && typeof p.photo === 'object') return p.photo;
  if (Array.isArray(p.photos)) {
    const photo = p.photos.find((one) => one.moderation_state === 'published');
    return photo ? { url: photo.thumbnails.small, alt: photo.alt } : null;
  }
  if (typeof p.photo !== 'string') return null;
  if (!described.has(p.photo)) {
    const photos = await api(withId(config.urls.suggestionPhotos, p.id));
    for (const photo of photos) {
      if (photo.moderation_state === 'published') described.set(photo.id, { url: photo.thumbnails.small, alt: photo.alt });
    }
  }
  return described.get(p.photo) || null;
}

// Put the photo into the popup's box; `true` when the popup changed. Without an answer (a photo taken back
// meanwhile, no connection) the box goes: no picture without its description.
export async function fillPopupPhoto(root, properties, config) {
  const box = root.querySelector('.popup-photo');
  if (!box) return false;
  let photo = null;
  try {
    photo = await firstPhoto(properties, config);
  } catch {
    photo = null;
  }
  if (!photo) {
    box.remove();
    return true;
  }
  const image = element('img');
  image.src = photo.url;
  image.alt = photo.alt;
  image.decoding = 'async';
  box.replaceChildren(image);
  return true;
}
