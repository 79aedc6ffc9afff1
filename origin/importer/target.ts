/**
 * ghee as the importer writes it: only through ghee's own HTTP APIs — the Write API with the
 * write key (pages, collection items, posts, media imports) and the content-model API with the
 * admin key (locales, page types, collections, authors) — so every write goes through the commit
 * step and is audited like any other. Refusals are returned (status and `detail`), never thrown,
 * so the run can report them and go on.
 */
export interface TargetOptions {
  url: string;
  writeToken: string;
  adminToken: string;
  spaceId: string;
}

export interface Answer {
  status: number;
  body: Record<string, unknown> | null;
  detail: string;
}

export class GheeTarget {
  private readonly url: string;
  private readonly writeToken: string;
  private readonly adminToken: string;
  readonly spaceId: string;
  writes = 0;

  constructor(opts: TargetOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.writeToken = opts.writeToken;
    this.adminToken = opts.adminToken;
    this.spaceId = opts.spaceId;
  }

  async call(method: string, path: string, body?: unknown, opts: { admin?: boolean } = {}): Promise<Answer> {
    if (method !== 'GET') this.writes++;
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Token ${opts.admin ? this.adminToken : this.writeToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      if ((res.status === 429 || res.status === 503) && attempt < 6) {
        const after = Number(res.headers.get('retry-after'));
        await new Promise((r) => setTimeout(r, Number.isFinite(after) && after > 0 ? after * 1000 : 250 * 2 ** attempt));
        continue;
      }
      const text = await res.text();
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      } catch {
        parsed = null;
      }
      return { status: res.status, body: parsed, detail: typeof parsed?.detail === 'string' ? parsed.detail : `HTTP ${res.status}` };
    }
  }

  manage(path: string): string {
    return `/v2/manage/spaces/${this.spaceId}${path}`;
  }

  /** Every element of a ghee list (`page` / `page_size` 100, `meta.next_page`). */
  async list(path: string, pick: (b: Record<string, unknown>) => unknown): Promise<Record<string, unknown>[] | Answer> {
    const out: Record<string, unknown>[] = [];
    for (let page = 1; ; page++) {
      const a = await this.call('GET', `${path}${path.includes('?') ? '&' : '?'}page=${page}&page_size=100`);
      if (a.status !== 200 || !a.body) return a;
      const items = pick(a.body);
      if (Array.isArray(items)) out.push(...(items as Record<string, unknown>[]));
      if (!(a.body.meta as { next_page?: number | null } | undefined)?.next_page) return out;
    }
  }
}
