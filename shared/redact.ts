/** Query parameters whose values never reach a log line. */
const SECRET_PARAMS = new Set(['auth_token', 'token', 'password', 'key', 'secret', 'code']);

/** Path + query with secret parameter values replaced, for logs. */
export function redactUrl(url: URL): string {
  if (!url.search) return url.pathname;
  const params = new URLSearchParams(url.search);
  for (const name of [...params.keys()]) {
    if (SECRET_PARAMS.has(name.toLowerCase())) params.set(name, '[REDACTED]');
  }
  return `${url.pathname}?${params.toString()}`;
}
