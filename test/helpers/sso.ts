/**
 * Real stand-ins for SSO tests, all on loopback:
 *  - `startDnsServer`: a DNS responder (UDP, dns-packet) answering the TXT records a test sets;
 *  - `startOidcProvider`: oidc-provider (an OpenID-certified OP, sharing no code with ghee's
 *    openid-client) with one registered client and accounts the test defines, signing in
 *    through its own login and consent pages;
 *  - `startCraftedOp`: a small OP built on jose whose token endpoint answers the ID token a test
 *    describes (wrong nonce, expired, alg none, HS256 with the public key…), for the attacks a
 *    correct OP never produces;
 *  - `Browser`: follows redirects by hand, keeps cookies per host, submits HTML forms.
 */
import { createServer, type Server } from 'node:http';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { parseDocument } from 'htmlparser2';
import * as jose from 'jose';
import Provider from 'oidc-provider';
import { freePort } from '../../origin/net/free-port.js';

export { freePort };

// --- DNS -----------------------------------------------------------------------------------
export interface DnsServer {
  address: string;
  setTxt(name: string, values: string[]): void;
  /** Answer SERVFAIL for every query (a broken resolver). */
  failing: boolean;
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<DnsServer> {
  const records = new Map<string, string[]>();
  const socket = createSocket('udp4');
  const server: DnsServer = {
    address: '',
    failing: false,
    setTxt: (name, values) => records.set(name.toLowerCase(), values),
    close: () => new Promise((r) => socket.close(() => r())),
  };
  socket.on('message', (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    const values = q && q.type === 'TXT' ? records.get(q.name.toLowerCase()) : undefined;
    const answer = dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: (server.failing ? 2 : values ? 0 : 3) | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: query.questions ?? [],
      answers: !server.failing && values && q ? values.map((v) => ({ type: 'TXT' as const, name: q.name, ttl: 60, class: 'IN' as const, data: v })) : [],
    });
    socket.send(answer, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  server.address = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
  return server;
}

// --- free ports ----------------------------------------------------------------------------
// --- oidc-provider -------------------------------------------------------------------------
export interface OpAccount {
  email: string;
  email_verified: boolean;
  name?: string;
  groups?: string[];
}

export interface RunningOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, OpAccount>;
  close(): Promise<void>;
}

export async function startOidcProvider(redirectUri: string): Promise<RunningOp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, OpAccount>();
  const clientId = 'ghee-test';
  const clientSecret = 'a-long-client-secret-for-the-test-op-0123456789';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    findAccount: (_ctx, id) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...a }) };
    },
  });
  // Quiet: the provider logs every refused request as a warning.
  provider.on('server_error', () => {});
  const server: Server = provider.listen(port);
  await new Promise<void>((r) => server.once('listening', () => r()));
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

// --- crafted OP ----------------------------------------------------------------------------
export type TokenCraft = (claims: Record<string, unknown>, keys: CraftKeys) => Promise<string>;

export interface CraftKeys {
  privateKey: jose.CryptoKey;
  publicJwk: jose.JWK;
  issuer: string;
  clientId: string;
}

export interface CraftedOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claims the next ID token carries (nonce filled in from the authorize request unless set). */
  claims: Record<string, unknown>;
  /** How the next ID token is made (default: RS256 with the OP's key). */
  craft: TokenCraft | null;
  close(): Promise<void>;
}

export const signRs256: TokenCraft = (claims, k) => new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: k.publicJwk.kid! }).sign(k.privateKey);

export async function startCraftedOp(): Promise<CraftedOp> {
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const nonces = new Map<string, string>();
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const op: CraftedOp = { issuer, clientId: 'crafted-client', clientSecret: 'crafted-secret-0123456789', claims: {}, craft: null, close: async () => {} };
  const keys: CraftKeys = { privateKey, publicJwk, issuer, clientId: op.clientId };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (v: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (url.pathname === '/jwks') {
      json({ keys: [publicJwk] });
    } else if (url.pathname === '/authorize') {
      const code = `code-${Math.random().toString(36).slice(2)}`;
      nonces.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href });
      res.end();
    } else if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code') ?? '';
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: issuer, aud: op.clientId, sub: 'crafted-user', iat: now, exp: now + 300, nonce: nonces.get(code), ...op.claims };
        void (op.craft ?? signRs256)(claims, keys).then((idToken) => json({ access_token: 'at-123', token_type: 'Bearer', expires_in: 300, id_token: idToken }));
      });
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  op.close = () => new Promise((r) => server.close(() => r()));
  return op;
}

// --- a browser -----------------------------------------------------------------------------
export class Browser {
  /** host:port → cookie name → value. */
  readonly jars = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(new URL(origin).host)?.get(name);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.host) ?? new Map<string, string>();
    this.jars.set(u.host, jar);
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Follows redirects from `url` until a non-redirect answer or `stopAt` matches the next URL. */
  async follow(url: string, opts: { stopAt?: (next: URL) => boolean; max?: number } = {}): Promise<{ res: Response; url: string }> {
    let current = url;
    for (let i = 0; i < (opts.max ?? 20); i++) {
      const res = await this.request(current);
      const loc = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !loc) return { res, url: current };
      const next = new URL(loc, current);
      if (opts.stopAt?.(next)) return { res, url: next.href };
      current = next.href;
    }
    throw new Error('too many redirects');
  }

  /** Submits the page's first form (its hidden fields plus `fields`), then follows redirects. */
  async submitForm(pageUrl: string, html: string, fields: Record<string, string>, opts: { stopAt?: (next: URL) => boolean } = {}): Promise<{ res: Response; url: string }> {
    const doc = parseDocument(html);
    const forms: { action: string; inputs: Record<string, string> }[] = [];
    const walk = (n: unknown, form: { action: string; inputs: Record<string, string> } | null) => {
      const node = n as { name?: string; attribs?: Record<string, string>; children?: unknown[] };
      let f = form;
      if (node.name === 'form') {
        f = { action: node.attribs?.action ?? pageUrl, inputs: {} };
        forms.push(f);
      }
      if (node.name === 'input' && f && node.attribs?.name && node.attribs.type === 'hidden') f.inputs[node.attribs.name] = node.attribs.value ?? '';
      for (const c of node.children ?? []) walk(c, f);
    };
    walk(doc, null);
    const form = forms[0];
    if (!form) throw new Error(`no form on ${pageUrl}`);
    const action = new URL(form.action, pageUrl).href;
    const res = await this.request(action, { form: { ...form.inputs, ...fields } });
    const loc = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && loc) {
      const next = new URL(loc, action);
      if (opts.stopAt?.(next)) return { res, url: next.href };
      return this.follow(next.href, opts);
    }
    return { res, url: action };
  }
}
