
export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Reuse a caller's well-formed request id (so a trace spans edge and origin); otherwise mint one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  if (incoming && SAFE_ID.test(incoming)) return incoming;
  // randomUUID is a CSPRNG-backed v4 UUID on Node and in js-compute, and cheap (pooled entropy).
  return crypto.randomUUID().replaceAll('-', '');
}
