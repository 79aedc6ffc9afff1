/**
 * The blog's shapes and their rendering: the ButterCMS post, author and term JSON, the rendering
 * of a post's working copy (author, categories and tags included) that the preview reads and the
 * publish step store, and the blog's surrogate keys and paths. Every other blog module imports
 * this one; it imports none of them.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authors, categories, postCategories, type posts, postTags, tags } from '../../db/schema/index.js';
import { surrogateKeys } from '../../../shared/surrogate.js';

/** Surrogate keys of the blog: the shared names the edge purges by. */
export const blogKeys = surrogateKeys;

/** Where a post lives on the site; relative until spaces carry a public blog URL. */
export const BLOG_PATH = '/blog/';
export const RECENT_POSTS_LIMIT = 10;

export interface AuthorJson {
  first_name: string;
  last_name: string;
  email: string;
  slug: string;
  bio: string;
  title: string;
  linkedin_url: string;
  facebook_url: string;
  instagram_url: string;
  pinterest_url: string;
  twitter_handle: string;
  profile_image: string;
}

export interface TermJson {
  name: string;
  slug: string;
}

export interface PostJson {
  url: string;
  created: string;
  published: string | null;
  updated: string;
  status: 'draft' | 'published';
  title: string;
  slug: string;
  summary: string;
  body: string;
  seo_title: string;
  meta_description: string;
  featured_image: string | null;
  featured_image_alt: string;
  author: AuthorJson | null;
  categories: TermJson[];
  tags: TermJson[];
}

export interface Neighbour {
  slug: string;
  title: string;
  featured_image: string | null;
}

export type AuthorRow = typeof authors.$inferSelect;
export type PostRow = typeof posts.$inferSelect;

export function renderAuthor(a: AuthorRow): AuthorJson {
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    email: a.email,
    slug: a.slug,
    bio: a.bio,
    title: a.title,
    linkedin_url: a.linkedinUrl,
    facebook_url: a.facebookUrl,
    instagram_url: a.instagramUrl,
    pinterest_url: a.pinterestUrl,
    twitter_handle: a.twitterHandle,
    profile_image: a.profileImage,
  };
}

function renderPost(p: PostRow, author: AuthorRow | null, cats: TermJson[], tagList: TermJson[]): PostJson {
  return {
    url: `${BLOG_PATH}${p.slug}`,
    created: p.createdAt.toISOString(),
    published: p.publishedAt?.toISOString() ?? null,
    updated: p.updatedAt.toISOString(),
    status: p.status === 'published' ? 'published' : 'draft',
    title: p.title,
    slug: p.slug,
    summary: p.summary,
    body: p.body,
    seo_title: p.seoTitle,
    meta_description: p.metaDescription,
    featured_image: p.featuredImage === '' ? null : p.featuredImage,
    featured_image_alt: p.featuredImageAlt,
    author: author ? renderAuthor(author) : null,
    categories: cats,
    tags: tagList,
  };
}

/** ButterCMS `exclude_body=true`: the post without its body. */
export function withoutBody(p: PostJson): Omit<PostJson, 'body'> {
  const { body: _body, ...rest } = p;
  return rest;
}

/** Renders working copies (the preview view), keyed by post id. */
export async function renderWorking(db: Db, rows: PostRow[]): Promise<Map<string, PostJson>> {
  const out = new Map<string, PostJson>();
  if (rows.length === 0) return out;
  const ids = rows.map((r) => r.id);
  const authorIds = [...new Set(rows.map((r) => r.authorId).filter((x): x is string => x !== null))];
  const [authorRows, catRows, tagRows] = await Promise.all([
    authorIds.length ? db.select().from(authors).where(inArray(authors.id, authorIds)) : Promise.resolve([] as AuthorRow[]),
    db
      .select({ postId: postCategories.postId, name: categories.name, slug: categories.slug })
      .from(postCategories)
      .innerJoin(categories, eq(categories.id, postCategories.categoryId))
      .where(inArray(postCategories.postId, ids))
      .orderBy(asc(categories.name), asc(categories.slug)),
    db
      .select({ postId: postTags.postId, name: tags.name, slug: tags.slug })
      .from(postTags)
      .innerJoin(tags, eq(tags.id, postTags.tagId))
      .where(inArray(postTags.postId, ids))
      .orderBy(asc(tags.name), asc(tags.slug)),
  ]);
  const byAuthor = new Map(authorRows.map((a) => [a.id, a]));
  for (const r of rows) {
    const cats = catRows.filter((c) => c.postId === r.id).map((c) => ({ name: c.name, slug: c.slug }));
    const tgs = tagRows.filter((c) => c.postId === r.id).map((c) => ({ name: c.name, slug: c.slug }));
    out.set(r.id, renderPost(r, r.authorId ? (byAuthor.get(r.authorId) ?? null) : null, cats, tgs));
  }
  return out;
}

export type PostStatus = 'draft' | 'published' | 'scheduled';

/** A stored post status as the API names it (anything else is a draft). */
export const statusOf = (s: string): PostStatus => (s === 'published' || s === 'scheduled' ? s : 'draft');
