/**
 * The content domain's HTTP surface, mounted by origin/app.ts (and its composition in main.ts).
 */
export { assetRoutes } from './assets/routes.js';
export { blogRoutes } from './blog/routes.js';
export { collectionRoutes } from './collections/routes.js';
export { pageTypeRoutes } from './model/routes.js';
export { pageListRoutes } from './pages/list-routes.js';
export { contentRoutes, isLocale } from './pages/read-route.js';
export { pageWriteRoutes } from './pages/write-routes.js';
