// A suggestion's popup, built from DOM nodes: titles are user input and never parsed as HTML.
import { element, withId } from './dom.js';
import { gettext } from './i18n.js';
import { pendingLabel, planningStatusLabel } from './statuses.js';

export function popupContent(properties, category, config) {
  const p = properties;
  const root = element('article', 'popup');
  root.setAttribute('aria-labelledby', 'popup-title');
  root.append(element('p', 'popup-category', category ? category.label : p.category));
  const title = element('h3', 'popup-title', p.title);
  title.id = 'popup-title';
  title.tabIndex = -1;  // keyboard users land here when they open a popup
  root.append(title);
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
