/**
 * Reading a ButterCMS account through its v2 read API (api.buttercms.com/v2, or `--source-url`):
 * every list paged through `page` / `page_size` (100: ButterCMS counts every request against the
 * account's monthly API calls, whatever it returns) until `meta.next_page` is null, every path
 * with its trailing slash (without, ButterCMS redirects: two calls); a steady request rate (`rps`
 * a second, default 5 — ButterCMS publishes monthly quotas, no per-second limit); 429 and 5xx
 * answers retried after `Retry-After` (or a backoff), at most 5 times, except a 429 whose
 * Retry-After is the monthly reset (the quota is spent: the run stops and says so). The token goes
 * in `auth_token`, as ButterCMS's clients send it, and never into an error message.
 */
export interface SourceOptions {
  baseUrl: string;
  readToken: string;
  /** A token that may read drafts (`preview=1`); without one, drafts are not imported. */
  previewToken?: string | undefined;
  /** Requests per second (default 5). */
  rps?: number;
  pageSize?: number;
}

export class SourceError extends Error {}

/** A longer Retry-After is a quota reset, not a throttle. */
const MAX_RETRY_AFTER_S = 120;

export type Json = Record<string, unknown>;

export interface ListMeta {
  next_page?: number | null;
  count?: number;
}

export class ButterSource {
  readonly baseUrl: string;
  private readonly readToken: string;
  readonly previewToken: string | undefined;
  private readonly interval: number;
  private readonly pageSize: number;
  private nextSlot = 0;
  requests = 0;

  constructor(opts: SourceOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.readToken = opts.readToken;
    this.previewToken = opts.previewToken;
    this.interval = 1000 / Math.max(0.1, opts.rps ?? 5);
    this.pageSize = opts.pageSize ?? 100;
  }

  /** Waits for the next request slot (a steady rate; bursts are never sent). */
  private async slot(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + this.interval;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }

  /** GET `path` with `params`; preview requests use the preview token. Null on 404. */
  async get(path: string, params: Record<string, string | number | undefined> = {}, preview = false): Promise<Json | null> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    if (preview) {
      if (!this.previewToken) throw new SourceError('no preview token');
      url.searchParams.set('preview', '1');
    }
    url.searchParams.set('auth_token', preview ? this.previewToken! : this.readToken);
    for (let attempt = 1; ; attempt++) {
      await this.slot();
      this.requests++;
      let res: Response;
      try {
        res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
      } catch (err) {
        if (attempt >= 5) throw new SourceError(`${path}: ${(err as Error).name}`);
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        continue;
      }
      if (res.status === 404) return null;
      const after = Number(res.headers.get('retry-after'));
      // ButterCMS answers 429 when an account's monthly API calls are used up, Retry-After being the
      // time to the monthly reset: not worth waiting for.
      if (res.status === 429 && Number.isFinite(after) && after > MAX_RETRY_AFTER_S) {
        throw new SourceError(`ButterCMS's API call limit is reached (it resets in ${Math.ceil(after / 3600)} h): nothing more can be read until then`);
      }
      if ((res.status === 429 || res.status >= 500) && attempt < 5) {
        await new Promise((r) => setTimeout(r, Number.isFinite(after) && after > 0 ? after * 1000 : 500 * 2 ** attempt));
        continue;
      }
      if (!res.ok) {
        const detail = await res.json().then(
          (b: unknown) => (typeof (b as { detail?: unknown }).detail === 'string' ? (b as { detail: string }).detail.slice(0, 200) : ''),
          () => '',
        );
        throw new SourceError(`${path}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`);
      }
      return (await res.json()) as Json;
    }
  }

  /** Every element of a paged list (`pick` finds the array in an answer). */
  async list(path: string, params: Record<string, string | number | undefined>, preview: boolean, pick: (body: Json) => unknown): Promise<Json[]> {
    const out: Json[] = [];
    for (let page = 1; ; page++) {
      const body = await this.get(path, { ...params, page, page_size: this.pageSize }, preview);
      if (!body) return out;
      const items = pick(body);
      if (Array.isArray(items)) out.push(...(items as Json[]));
      const meta = body.meta as ListMeta | undefined;
      if (!meta?.next_page) return out;
    }
  }

  pages(pageType: string, locale: string | undefined, preview: boolean): Promise<Json[]> {
    return this.list(`/pages/${encodeURIComponent(pageType)}/`, { locale, levels: 1 }, preview, (b) => b.data);
  }

  items(key: string, locale: string | undefined, preview: boolean): Promise<Json[]> {
    return this.list(`/content/${encodeURIComponent(key)}/`, { locale, levels: 1 }, preview, (b) => (b.data as Json | undefined)?.[key]);
  }

  posts(preview: boolean): Promise<Json[]> {
    return this.list('/posts/', { exclude_body: 'false' }, preview, (b) => b.data);
  }

  async simple(path: string): Promise<Json[]> {
    const body = await this.get(path);
    return Array.isArray(body?.data) ? (body.data as Json[]) : [];
  }
}
