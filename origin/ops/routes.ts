/**
 * The ops domain's HTTP surface, mounted by origin/app.ts (and its composition in main.ts).
 */
export { healthRoutes } from './health.js';
