// A suggestion's popup, built from DOM nodes: titles are user input and never parsed as HTML.
import { element, withId } from './dom.js';

export function popupContent(feature, category, config) {
  const p = feature.properties;
  const labels = config.labels;
  const root = element('article', 'popup');
  root.append(element('p', 'popup-category', category ? category.label : p.category));
  root.append(element('h3', 'popup-title', p.title));
  const facts = element('dl', 'popup-facts');
  for (const [term, value] of [
    [labels.status, labels.planningStatus[p.planning_status] || p.planning_status],
    [labels.supports, String(p.support_count)],
    [labels.comments, String(p.comment_count)],
  ]) {
    facts.append(element('dt', null, term), element('dd', null, value));
  }
  root.append(facts);
  const link = element('a', 'popup-link', labels.open);
  link.href = withId(config.urls.detail, p.id);
  root.append(link);
  return root;
}
