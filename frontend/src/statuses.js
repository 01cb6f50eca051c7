// The names of a suggestion's planning status and of "waiting for review", as the models name them
// (participation/models.py: PlanningStatus, ModerationState.PENDING). tests/test_js_catalogue.py checks that
// every status has its name here, with the model's text.
import { gettext } from './i18n.js';

const PLANNING_STATUS = {
  received: gettext('Received'),
  under_review: gettext('Under review'),
  planned: gettext('Planned'),
  implemented: gettext('Implemented'),
  declined: gettext('Declined'),
};

export const planningStatusLabel = (status) => PLANNING_STATUS[status] || status;

export const pendingLabel = gettext('Waiting for review');
