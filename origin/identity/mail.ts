/**
 * Outgoing mail for the identity flows (verification, password reset, invitations, notices).
 *
 *   SmtpTransport    nodemailer over SMTP, from an smtp:// or smtps:// URL. STARTTLS is required on
 *                    smtp:// unless `requireTLS: false` is passed explicitly (a local catcher);
 *                    certificates are verified; TLS ≥ 1.2. URL query options are refused so nothing
 *                    in the URL can turn these off.
 *   LogTransport     no mail server (local use): logs a redacted summary — masked recipient, subject,
 *                    links with their query strings and token-like path segments hidden. With
 *                    `logLinks: true` (development only, the caller decides) it also logs the full
 *                    links so the developer can click the verification link.
 *   MemoryTransport  keeps messages in memory (tests).
 *
 * Messages whose recipient or subject contain line breaks are refused (header injection).
 */
import type { ConnectionOptions } from 'node:tls';
import { createTransport } from 'nodemailer';
import type { IdentityLogger } from './logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailTransport {
  send(msg: MailMessage): Promise<void>;
}

const LINE_BREAK = /[\r\n]/;
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

function checkMessage(msg: MailMessage): void {
  if (typeof msg.to !== 'string' || !ADDRESS.test(msg.to)) throw new TypeError('mail: recipient must be a single plain address');
  if (typeof msg.subject !== 'string' || LINE_BREAK.test(msg.subject)) throw new TypeError('mail: subject must be one line');
  if (typeof msg.text !== 'string') throw new TypeError('mail: text body is required');
}

// ---------------------------------------------------------------------------------------------
// Links

const LINK = /https?:\/\/[^\s<>"')]+/g;

export function extractLinks(text: string): string[] {
  return text.match(LINK) ?? [];
}

/** Path segments at least this long look like tokens and are hidden. */
const TOKENISH_MIN = 16;

/** The link without anything that could be a credential: query values, fragment, token-like path segments. */
export function redactLink(link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return '[unparseable link]';
  }
  const path = url.pathname
    .split('/')
    .map((seg) => (seg.length >= TOKENISH_MIN ? '[redacted]' : seg))
    .join('/');
  const params = [...url.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=[redacted]`);
  return `${url.origin}${path}${params.length ? `?${params.join('&')}` : ''}${url.hash ? '#[redacted]' : ''}`;
}

/** j***@example.com */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '[invalid address]';
  return `${address.charAt(0)}***${address.slice(at)}`;
}

// ---------------------------------------------------------------------------------------------

export interface LogTransportOptions {
  logger: IdentityLogger;
  /** Development only: also log the full links (with their tokens) so the flows can be followed locally. */
  logLinks?: boolean;
}

export class LogTransport implements MailTransport {
  private readonly logger: IdentityLogger;
  private readonly logLinks: boolean;

  constructor(opts: LogTransportOptions) {
    this.logger = opts.logger;
    this.logLinks = opts.logLinks === true;
  }

  async send(msg: MailMessage): Promise<void> {
    checkMessage(msg);
    const links = extractLinks(msg.text);
    this.logger.info(
      { mail: { to: maskAddress(msg.to), subject: msg.subject, links: links.map(redactLink), textLength: msg.text.length } },
      'mail not sent (no SMTP_URL); summary logged',
    );
    if (this.logLinks && links.length > 0) {
      this.logger.info({ mail: { to: msg.to, subject: msg.subject, devLinks: links } }, 'development mail links');
    }
  }
}

export class MemoryTransport implements MailTransport {
  readonly messages: MailMessage[] = [];

  async send(msg: MailMessage): Promise<void> {
    checkMessage(msg);
    this.messages.push({ ...msg });
  }

  /** The latest message, optionally the latest to one recipient. */
  last(to?: string): MailMessage | undefined {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (to === undefined || m.to.toLowerCase() === to.toLowerCase()) return m;
    }
    return undefined;
  }

  /**
   * The latest message to `to` once at least `count` have been sent to that address (mail of
   * sign-ups and reset requests is sent after the answer); rejects after `timeoutMs`.
   */
  async waitFor(to: string, count = 1, timeoutMs = 5000): Promise<MailMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter((m) => m.to.toLowerCase() === to.toLowerCase());
      if (found.length >= count) return found[found.length - 1]!;
      if (Date.now() > deadline) throw new Error(`mail: fewer than ${count} message(s) to that address after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  clear(): void {
    this.messages.length = 0;
  }
}

// ---------------------------------------------------------------------------------------------

export interface SmtpTransportOptions {
  /** smtp://[user:pass@]host[:port] (STARTTLS) or smtps://… (implicit TLS). No query options. */
  url: string;
  /** From header, e.g. `ghee <no-reply@example.com>`. */
  from: string;
  /** Refuse to send unless the smtp:// session is upgraded with STARTTLS. Default true. */
  requireTLS?: boolean;
  /** Extra TLS options (e.g. `ca` for a private CA). Certificates are always verified. */
  tls?: Pick<ConnectionOptions, 'ca' | 'servername' | 'minVersion'>;
  /** Connection, greeting and idle-socket timeouts; default 10 s each. */
  timeoutMs?: number;
}

export class SmtpTransport implements MailTransport {
  private readonly transporter: ReturnType<typeof createTransport>;
  private readonly from: string;

  constructor(opts: SmtpTransportOptions) {
    const url = new URL(opts.url);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new RangeError('SMTP URL must be smtp:// or smtps://');
    if (url.search || url.hash) throw new RangeError('SMTP URL must not carry query options; use SmtpTransport options');
    if (!url.hostname) throw new RangeError('SMTP URL needs a host');
    if (LINE_BREAK.test(opts.from)) throw new TypeError('mail: from must be one line');
    const secure = url.protocol === 'smtps:';
    const timeout = opts.timeoutMs ?? 10_000;
    this.from = opts.from;
    this.transporter = createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTLS: !secure && opts.requireTLS !== false,
      ignoreTLS: false,
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      tls: { minVersion: 'TLSv1.2', ...opts.tls, rejectUnauthorized: true },
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
      debug: false,
    });
  }

  async send(msg: MailMessage): Promise<void> {
    checkMessage(msg);
    await this.transporter.sendMail({
      from: this.from,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      ...(msg.html !== undefined ? { html: msg.html } : {}),
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  close(): void {
    this.transporter.close();
  }
}
