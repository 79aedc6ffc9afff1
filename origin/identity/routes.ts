/**
 * The identity domain's HTTP surface, mounted by origin/app.ts (and its composition in main.ts).
 */
export { authRoutes } from './accounts/routes.js';
export { internalRoutes } from './keys/introspection-route.js';
export { apiKeyRoutes } from './keys/routes.js';
export { orgRoutes } from './orgs/routes.js';
export { scimRoutes } from './scim/routes.js';
export { sessionRoutes } from './sessions/routes.js';
export { ssoRoutes } from './sso/routes.js';
