/**
 * The governance domain's HTTP surface for origin/app.ts (issue 16). Other domains and the app
 * import this file (or index.ts), never the files behind it.
 */
import type { AppContext } from '../context.js';
import { setNetworkGuard } from '../http/authorize.js';
import { networkGuard } from './allowlist.js';

export { supportAccess } from './support-access.js';
export { supportRoutes } from './support-routes.js';

/** Wires the organizations' management IP allowlists into the one authorizer (once per app). */
export function installIpAllowlists(_ctx: AppContext): void {
  setNetworkGuard(networkGuard);
}
export { lifecycleRoutes } from './lifecycle-routes.js';
