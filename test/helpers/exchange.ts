/**
 * One HTTP exchange as it went over the wire (raw header list in order), for tests that send the
 * same request to a fast path and to the Hono chain and compare the answers byte for byte.
 */
export interface Exchange {
  status: number;
  /** res.rawHeaders: [name, value, …] as sent. */
  headers: string[];
  body: string;
}

/** Date differs between servers; a minted request id is random: both become placeholders (in the body too). */
export function normaliseExchange(x: Exchange): Exchange {
  const headers: string[] = [];
  let minted: string | null = null;
  for (let i = 0; i < x.headers.length; i += 2) {
    const name = x.headers[i]!;
    let value = x.headers[i + 1]!;
    if (name.toLowerCase() === 'date') value = '<date>';
    if (name.toLowerCase() === 'x-request-id' && /^[0-9a-f]{32}$/.test(value)) {
      minted = value;
      value = '<minted>';
    }
    headers.push(name, value);
  }
  return { status: x.status, headers, body: minted ? x.body.replaceAll(minted, '<minted>') : x.body };
}
