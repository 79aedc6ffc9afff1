/**
 * The outbox domain's HTTP surface, mounted by origin/app.ts (and its composition in main.ts).
 */
export { webhookRoutes } from './webhook-routes.js';
