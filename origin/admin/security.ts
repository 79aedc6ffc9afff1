/**
 * The web app's own protections, on top of the secure header set every origin answer carries:
 *
 * - CSP: scripts, styles, fonts and fetches only from this origin ('self': the fingerprinted files
 *   of assets.ts), no inline script or style at all (so no nonce is needed, and neither
 *   'unsafe-inline' nor 'unsafe-eval'), images also as data: (the 2FA QR code), forms post only
 *   here, no framing (frame-ancestors 'none'), no <base>. Kept by origin/app.ts when it applies the
 *   API's stricter default to every other answer.
 * - CSRF: a signed-in form carries the session's CSRF token (`_csrf` field or X-CSRF-Token
 *   header), checked here and forwarded to the API, which checks it again. A form shown before
 *   sign-in (sign-in, sign-up, forgot, reset) carries a token bound to a random `__Host-` cookie
 *   (double submit, HMAC'd with AUTH_SECRET), so another site cannot sign a browser in to its own
 *   account. Any state change from another origin (Origin / Sec-Fetch-Site) is refused too.
 * - Flash: one message carried across a redirect in a short-lived, HMAC-signed cookie.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { hmacSha256Hex, timingSafeEqual } from '../../shared/crypto.js';
import type { AdminEnv } from './env.js';

export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "manifest-src 'self'",
].join('; ');

/** Answers of the web app keep this policy (origin/app.ts applies the API's to all others). */
export function isAdminPath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

const FORM_COOKIE = '__Host-ghee_form';
const FLASH_COOKIE = '__Host-ghee_flash';

function readCookie(c: Context<AdminEnv>, name: string): string | null {
  const header = c.req.header('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/** `__Host-` cookies must have Path=/ (and no Domain): host-only, Secure. */
function setHostCookie(c: Context<AdminEnv>, name: string, value: string, maxAgeS: number): void {
  c.header('set-cookie', `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}`, { append: true });
}

/** The token an anonymous form carries (sets its cookie when the browser has none yet). */
export function anonymousFormToken(c: Context<AdminEnv>, secret: string): string {
  let seed = readCookie(c, FORM_COOKIE);
  if (!seed || !/^[A-Za-z0-9_-]{43}$/.test(seed)) {
    seed = randomBytes(32).toString('base64url');
    setHostCookie(c, FORM_COOKIE, seed, 60 * 60 * 12);
  }
  return hmacSha256Hex(secret, `admin-form:${seed}`);
}

/** Whether an anonymous form's token matches this browser's cookie. */
export function anonymousFormTokenValid(c: Context<AdminEnv>, secret: string, presented: string | undefined): boolean {
  const seed = readCookie(c, FORM_COOKIE);
  if (!seed || !presented) return false;
  return timingSafeEqual(presented, hmacSha256Hex(secret, `admin-form:${seed}`));
}

/** A signed-in form's token against the session's (constant time). */
export function sessionFormTokenValid(expected: string, presented: string | undefined): boolean {
  return presented !== undefined && timingSafeEqual(presented, expected);
}

/**
 * Whether a state change came from another site: Sec-Fetch-Site says so (every current browser
 * sends it), or, without it, an Origin naming another origin. (Origin alone is not enough: under
 * Referrer-Policy no-referrer, which every answer carries, a same-origin form post sends "null".)
 */
export function crossSite(c: Context<AdminEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return false;
  return origin !== new URL(c.req.url).origin;
}

export type FlashKind = 'success' | 'info' | 'error';
export interface Flash {
  kind: FlashKind;
  text: string;
}

/** Shows `text` on the next page this browser renders (after a redirect). */
export function setFlash(c: Context<AdminEnv>, secret: string, flash: Flash): void {
  const value = Buffer.from(JSON.stringify(flash)).toString('base64url');
  setHostCookie(c, FLASH_COOKIE, `${value}.${hmacSha256Hex(secret, `admin-flash:${value}`)}`, 60);
}

/** The pending flash message (and clears it), or null. */
export function takeFlash(c: Context<AdminEnv>, secret: string): Flash | null {
  const raw = readCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  setHostCookie(c, FLASH_COOKIE, '', 0);
  const [value, mac] = raw.split('.');
  if (!value || !mac || !timingSafeEqual(mac, hmacSha256Hex(secret, `admin-flash:${value}`))) return null;
  try {
    const f = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Flash;
    if ((f.kind === 'success' || f.kind === 'info' || f.kind === 'error') && typeof f.text === 'string') return { kind: f.kind, text: f.text.slice(0, 500) };
  } catch {
    return null;
  }
  return null;
}

/** The CSRF value a form on this page carries: the session's when signed in, else the anonymous form token. */
export function formToken(c: Context<AdminEnv>): string {
  return c.get('me')?.csrf_token ?? anonymousFormToken(c, c.get('adminSecret'));
}

/** This browser's anonymous form seed (binds a pending sign-in to the browser that began it). */
export function formSeed(c: Context<AdminEnv>): string | null {
  return readCookie(c, FORM_COOKIE);
}

/** A same-origin path inside the web app (a `next` parameter), else /admin. */
export function safeNext(v: string | undefined | null): string {
  if (!v || v.length > 512 || !v.startsWith('/admin') || v.startsWith('//') || v.includes('\\') || [...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return '/admin';
  try {
    const u = new URL(v, 'http://ghee.invalid');
    if (u.origin !== 'http://ghee.invalid' || !(u.pathname === '/admin' || u.pathname.startsWith('/admin/'))) return '/admin';
    return `${u.pathname}${u.search}`;
  } catch {
    return '/admin';
  }
}
