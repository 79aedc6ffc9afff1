/**
 * The secure header set sent on every response from edge and origin, errors included.
 * A JSON API needs no scripts, frames or plugins, so the policy denies everything.
 */
export const SECURE_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy':
    'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()',
  'cross-origin-resource-policy': 'cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

/** Headers that reveal the software stack; removed from every response. */
export const LEAKY_HEADERS = ['server', 'x-powered-by'] as const;

export function applySecureHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(SECURE_HEADERS)) headers.set(name, value);
  for (const name of LEAKY_HEADERS) headers.delete(name);
}
