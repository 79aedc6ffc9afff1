/**
 * What the content screens share: the API reads they all make (page types, locales), the
 * space header content routes need, and URL helpers. Every call goes through api(c) as the member.
 */
import type { Context } from 'hono';
import { api, must } from '../../api.js';
import type { AdminEnv } from '../../env.js';

/**
 * A page type's field definitions as the API answers them (GET …/page_types: the JSON shape the
 * model validates, origin/content/model/schema.ts) — the web app reads the API, not the domain.
 */
interface FieldBase {
  name: string;
  required?: boolean;
  label?: string;
}
export type FieldDef =
  | (FieldBase & { type: 'short_text' | 'long_text'; max_length?: number })
  | (FieldBase & { type: 'rich_text' | 'date' | 'boolean' | 'media' })
  | (FieldBase & { type: 'number'; min?: number; max?: number; integer?: boolean })
  | (FieldBase & { type: 'reference'; page_type?: string; collection?: string; max?: number })
  | (FieldBase & { type: 'repeater'; fields: FieldDef[]; max?: number })
  | (FieldBase & { type: 'component'; fields: FieldDef[] });
export type FieldSchema = FieldDef[];

export interface PageTypeView {
  slug: string;
  name: string;
  fields: FieldSchema;
}
export interface LocaleView {
  code: string;
  name: string;
  default: boolean;
}

export const spaceHeader = (space: string) => ({ 'x-ghee-space': space });

export async function pageTypesOf(c: Context<AdminEnv>, space: string): Promise<PageTypeView[]> {
  return must(await api(c).get<{ data: PageTypeView[] }>(`/v2/manage/spaces/${space}/page_types`)).data;
}

export async function localesOf(c: Context<AdminEnv>, space: string): Promise<LocaleView[]> {
  return must(await api(c).get<{ data: LocaleView[] }>(`/v2/manage/spaces/${space}/locales`)).data;
}

/** The web app's URL of a space screen. */
export const spaceUrl = (org: string, space: string, rest: string) => `/admin/o/${org}/s/${space}/${rest}`;

/** A page's editor URL (`*` for single pages), with its locale. */
export function editorUrl(org: string, space: string, type: string | null, slug: string, locale: string, rest = ''): string {
  return `${spaceUrl(org, space, `pages/${encodeURIComponent(type ?? '*')}/${encodeURIComponent(slug)}${rest}`)}?locale=${encodeURIComponent(locale)}`;
}

/** `"v<n>"` → n (the API's ETag of a page's working copy). */
export function versionOf(etag: string | null): number | null {
  const m = /^"v(\d+)"$/.exec(etag ?? '');
  return m ? Number(m[1]) : null;
}
