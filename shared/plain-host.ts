/**
 * @hono/node-server's rule for a Host header it takes as it is (buildUrl:
 * `^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$`; any other it parses, or refuses). The fast
 * paths in front of it (edge/node/server.ts, origin/content/pages/read-path.ts) serve only such hosts, so
 * the URL they see is the one the chain would build.
 */
const HOST_NAME = /^[a-z0-9._-]+$/;
const HOST_PORT = /^(?:[1-5]\d{3,4}|[6-9]\d{3})$/;

/** node-server's plain Host, in two linear tests. */
export function isPlainHost(host: string): boolean {
  const colon = host.indexOf(':');
  if (colon === -1) return HOST_NAME.test(host);
  return HOST_NAME.test(host.slice(0, colon)) && HOST_PORT.test(host.slice(colon + 1));
}
