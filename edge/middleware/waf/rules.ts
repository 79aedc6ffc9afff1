/**
 * The WAF's rules: pure functions over strings, no I/O, shared by nothing but the middleware.
 *
 * Every rejection has a stable rule id (logged, echoed in `x-waf-rule` and in the error
 * detail) so an operator can find it, explain it and, for the signature families, switch it
 * off through `waf.disabled_rules` when it misfires on a real site.
 *
 * Matching is on lowercased, percent-decoded text (decoded once and twice), with simple
 * alternations and `includes`: every regular expression here is linear-time (no nested
 * quantifiers; eslint-plugin-security's detect-unsafe-regex guards this).
 */
import type { ErrorCode } from '../../../shared/errors.js';
import type { RouteClass } from '../../route-class.js';

export interface WafRule {
  /** HTTP error code (status from shared/errors.ts) answered when the rule blocks. */
  code: ErrorCode;
  /** What the rule catches (for operators; never echoed to clients). */
  description: string;
}

export const WAF_RULES = {
  'ip-blocklist': { code: 'ip_blocked', description: 'client address matches a BLOCK entry of the IP blocklist (Fastly ACL)' },
  'method-001': { code: 'method_not_allowed', description: 'HTTP method not allowed for the route class' },
  'limit-001': { code: 'uri_too_long', description: 'request target (path + query) longer than max_url_length' },
  'limit-002': { code: 'headers_too_large', description: 'more header fields than max_header_count' },
  'limit-003': { code: 'headers_too_large', description: 'header names + values longer than max_header_bytes' },
  'limit-004': { code: 'uri_too_long', description: 'more query parameters than max_query_params' },
  'limit-005': { code: 'payload_too_large', description: 'Content-Length above max_body_bytes for the route class' },
  'limit-006': { code: 'payload_too_large', description: 'request body of undeclared length (Transfer-Encoding without Content-Length)' },
  'limit-007': { code: 'bad_request', description: 'malformed Content-Length, or both Content-Length and Transfer-Encoding (request smuggling)' },
  'enc-001': { code: 'bad_request', description: 'malformed percent-encoding (a % not followed by two hex digits)' },
  'enc-002': { code: 'bad_request', description: 'percent-encoding that is not valid UTF-8, including overlong forms (%c0%ae, %e0%80%ae)' },
  'enc-003': { code: 'bad_request', description: 'NUL byte (%00), also double-encoded' },
  'enc-004': { code: 'bad_request', description: 'control character (C0 or DEL), also double-encoded' },
  'path-001': { code: 'waf_blocked', description: 'dot-dot path segment: plain, %2e%2e, %252e%252e, ..%2f, ..%5c, ..;' },
  'path-002': { code: 'waf_blocked', description: 'encoded slash or backslash in the path (%2f, %5c, %252f, %255c)' },
  'path-003': { code: 'waf_blocked', description: 'backslash in the path' },
  'sqli-001': { code: 'waf_blocked', description: "SQL boolean tautology (' or 1=1, ' or 'a'='a, or 1=1)" },
  'sqli-002': { code: 'waf_blocked', description: 'SQL UNION-based injection (union [all|distinct] select, union/**/select)' },
  'sqli-003': { code: 'waf_blocked', description: 'SQL stacked query (; drop table, ; delete from, ; insert into, …)' },
  'sqli-004': { code: 'waf_blocked', description: 'SQL time-based blind injection (sleep(, benchmark(, pg_sleep(, waitfor delay)' },
  'sqli-005': { code: 'waf_blocked', description: "SQL comment or column probe after a quote (admin'--, admin'#, '/*, ' order by 1)" },
  'sqli-006': { code: 'waf_blocked', description: 'SQL error-based extraction, schema probing or file access (extractvalue(, information_schema, @@version, into outfile, load_file(, xp_cmdshell)' },
  'xss-001': { code: 'waf_blocked', description: 'script tag (<script, </script)' },
  'xss-002': { code: 'waf_blocked', description: 'script URL (javascript:, vbscript:, data:text/html)' },
  'xss-003': { code: 'waf_blocked', description: 'HTML event-handler attribute (onerror=, onload=, onmouseover=)' },
  'xss-004': { code: 'waf_blocked', description: 'active HTML tag (<img, <svg, <iframe, <object, <body, …)' },
  'xss-005': { code: 'waf_blocked', description: 'JavaScript sink or probe (document.cookie, alert(, eval(, fromcharcode(, …)' },
  'trav-001': { code: 'waf_blocked', description: 'path traversal sequence (../, ..\\) in decoded path or query' },
  'trav-002': { code: 'waf_blocked', description: 'sensitive file reference (/etc/passwd, win.ini, /.git/, /.env, …)' },
  'trav-003': { code: 'waf_blocked', description: 'local/legacy URL scheme (file://, php://, phar://, gopher://, …)' },
  'cmdi-001': { code: 'waf_blocked', description: 'shell separator followed by a command (; cat , | nc , & wget, && wget, || curl)' },
  'cmdi-002': { code: 'waf_blocked', description: 'shell command or variable substitution ($(, ${)' },
  'cmdi-003': { code: 'waf_blocked', description: 'backtick command substitution (`id`, `whoami`)' },
  'cmdi-004': { code: 'waf_blocked', description: 'shell interpreter path (/bin/sh, /bin/bash, cmd.exe)' },
} as const satisfies Record<string, WafRule>;

export type WafRuleId = keyof typeof WAF_RULES;

/** The attack-signature rules, in evaluation order: the only ones `waf.disabled_rules` may name. */
export const SIGNATURE_RULE_IDS = [
  'sqli-001',
  'sqli-002',
  'sqli-003',
  'sqli-004',
  'sqli-005',
  'sqli-006',
  'xss-001',
  'xss-002',
  'xss-003',
  'xss-004',
  'xss-005',
  'trav-001',
  'trav-002',
  'trav-003',
  'cmdi-001',
  'cmdi-002',
  'cmdi-003',
  'cmdi-004',
] as const satisfies readonly WafRuleId[];

export type SignatureRuleId = (typeof SIGNATURE_RULE_IDS)[number];

// ---------------------------------------------------------------------------------------------
// Methods

const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;
const INTERNAL_METHODS = ['GET', 'HEAD'] as const;
const PURGE_METHODS = ['GET', 'HEAD', 'POST'] as const;

/** The internal endpoint that accepts POST (the origin's signed purge calls). */
export const PURGE_PATH = '/.edge/purge';

/** Methods the edge accepts for `pathname`, in `Allow` header order. */
export function allowedMethods(routeClass: RouteClass, pathname: string): readonly string[] {
  switch (routeClass) {
    case 'content':
    case 'assets':
    case 'other':
      return READ_METHODS;
    case 'internal':
      return pathname === PURGE_PATH || pathname === `${PURGE_PATH}/` ? PURGE_METHODS : INTERNAL_METHODS;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding and the request target

/** A `%` not followed by two hex digits. */
const BAD_PERCENT = /%(?![0-9a-f]{2})/i;
const HEX_PAIR = /^[0-9a-f]{2}$/i;
const ENCODED_SEPARATOR = /%2f|%5c/i;

type Decoded = { ok: true; value: string } | { ok: false; rule: WafRuleId };

/** One strict percent-decoding: bad `%` syntax → enc-001, invalid or overlong UTF-8 → enc-002. */
export function decodeOnce(text: string): Decoded {
  if (BAD_PERCENT.test(text)) return { ok: false, rule: 'enc-001' };
  try {
    return { ok: true, value: decodeURIComponent(text) };
  } catch {
    return { ok: false, rule: 'enc-002' };
  }
}

/**
 * The second decoding, of text that was decoded once: only well-formed `%XX` runs are decoded
 * (a literal "100%" stays as it is), but a run that is not valid UTF-8 — a double-encoded
 * overlong sequence such as `%25c0%25ae` — is refused (enc-002).
 */
export function decodeAgain(text: string): Decoded {
  if (!text.includes('%')) return { ok: true, value: text };
  let out = '';
  let i = 0;
  while (i < text.length) {
    // A run of well-formed escapes is decoded as a unit, so multi-byte UTF-8 sequences stay whole.
    let end = i;
    while (text[end] === '%' && HEX_PAIR.test(text.slice(end + 1, end + 3))) end += 3;
    if (end === i) {
      out += text.charAt(i);
      i++;
      continue;
    }
    try {
      out += decodeURIComponent(text.slice(i, end));
    } catch {
      return { ok: false, rule: 'enc-002' };
    }
    i = end;
  }
  return { ok: true, value: out };
}

/** NUL → enc-003; another C0 control character or DEL → enc-004. */
function forbiddenCharacters(text: string): WafRuleId | null {
  let control = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return 'enc-003';
    if (code < 0x20 || code === 0x7f) control = true;
  }
  return control ? 'enc-004' : null;
}

function hasDotDotSegment(text: string): boolean {
  for (const segment of text.split(/[/\\]/)) {
    if (segment === '..' || segment.startsWith('..;')) return true;
  }
  return false;
}

export type Inspection = { ok: true; texts: string[] } | { ok: false; rule: WafRuleId };

/**
 * Checks one view of the request path (raw or URL-normalised, still percent-encoded) and
 * returns its decoded forms (once and twice) for signature matching.
 */
export function inspectPath(path: string): Inspection {
  const once = decodeOnce(path);
  if (!once.ok) return once;
  const twice = decodeAgain(once.value);
  if (!twice.ok) return twice;
  for (const text of [once.value, twice.value]) {
    const bad = forbiddenCharacters(text);
    if (bad) return { ok: false, rule: bad };
  }
  for (const text of [path, once.value, twice.value]) {
    if (hasDotDotSegment(text)) return { ok: false, rule: 'path-001' };
  }
  if (ENCODED_SEPARATOR.test(path) || ENCODED_SEPARATOR.test(once.value)) return { ok: false, rule: 'path-002' };
  if (path.includes('\\') || once.value.includes('\\') || twice.value.includes('\\')) return { ok: false, rule: 'path-003' };
  return { ok: true, texts: [once.value, twice.value] };
}

/** Query parameters in a query string (with or without its leading `?`); empty pieces (`a=1&&b=2`) do not count. */
export function countQueryParams(search: string): number {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  let params = 0;
  for (const pair of raw.split('&')) if (pair !== '') params++;
  return params;
}

export type QueryInspection = { ok: true; params: number; texts: string[] } | { ok: false; rule: WafRuleId };

/**
 * Splits a query string (with or without its leading `?`) into parameters, counts them and
 * decodes every name and value (`+` is a space, as in forms) once and twice.
 */
export function inspectQuery(search: string): QueryInspection {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  const texts: string[] = [];
  let params = 0;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    params++;
    const eq = pair.indexOf('=');
    const parts = eq === -1 ? [pair] : [pair.slice(0, eq), pair.slice(eq + 1)];
    for (const part of parts) {
      if (part === '') continue;
      const once = decodeOnce(part.replaceAll('+', ' '));
      if (!once.ok) return once;
      const twice = decodeAgain(once.value);
      if (!twice.ok) return twice;
      for (const text of [once.value, twice.value]) {
        const bad = forbiddenCharacters(text);
        if (bad) return { ok: false, rule: bad };
      }
      texts.push(once.value);
      if (twice.value !== once.value) texts.push(twice.value);
    }
  }
  return { ok: true, params, texts };
}

/** Path and query of a request target: origin-form (`/p?q`) or absolute-form (`http://h/p?q`). */
export function splitTarget(target: string): { path: string; query: string } {
  let rest = target;
  if (!rest.startsWith('/')) {
    const scheme = rest.indexOf('://');
    if (scheme !== -1) {
      const slash = rest.indexOf('/', scheme + 3);
      rest = slash === -1 ? '/' : rest.slice(slash);
    }
  }
  const fragment = rest.indexOf('#');
  if (fragment !== -1) rest = rest.slice(0, fragment);
  const q = rest.indexOf('?');
  return q === -1 ? { path: rest, query: '' } : { path: rest.slice(0, q), query: rest.slice(q + 1) };
}

// ---------------------------------------------------------------------------------------------
// Attack signatures

export interface Prepared {
  /** Lowercased decoded text. */
  lower: string;
  /** `lower` with SQL comments turned into spaces and whitespace runs collapsed. */
  sql: string;
}

/** What the `sql` rewriting acts on: without any of it, `sql` is `lower` itself. */
const SQL_REWRITTEN = /[\s/*]/;

function prepare(text: string): Prepared {
  const lower = text.toLowerCase();
  const sql = SQL_REWRITTEN.test(lower)
    ? lower
        .replace(/\/\*!?\d*/g, ' ') // comment start, including MySQL's versioned /*!50000 …
        .replace(/\*\//g, ' ')
        .replace(/\s+/g, ' ')
    : lower;
  return { lower, sql };
}

const includesAny = (text: string, needles: readonly string[]): boolean => needles.some((n) => text.includes(n));

// SQL injection
const SQL_QUOTE_TAUTOLOGY = /['"`]\)? ?(?:or|and|xor|\|\||&&)(?![a-z]).{0,40}(?:=|<|>|\blike\b|\btrue\b|\bfalse\b|\bnull\b)/;
const SQL_NUMERIC_TAUTOLOGY = /\b(?:or|and) \(?\d{1,10} ?(?:=|<|>|like) ?\(?\d/;
const SQL_UNION = /\bunion(?: all| distinct)? ?\(? ?select\b/;
const SQL_STACKED =
  /; ?(?:drop (?:table|database|schema|view|user)\b|delete from\b|insert into\b|update [\w.`"[\]]{1,64} set\b|truncate\b|alter (?:table|database|user)\b|create (?:table|database|user|function|procedure)\b|shutdown\b|declare @|exec(?:ute)?\b|waitfor\b|select\b.{0,80}\bfrom\b)/;
const SQL_TIME = /\b(?:sleep|benchmark|randomblob)\(|\bpg_sleep ?\(|\bwaitfor (?:delay|time) '|\bdbms_pipe\.receive_message/;
const SQL_QUOTE_COMMENT = /['"`]\)?;? ?(?:--(?![a-z0-9])|\/\*|#$)/;
const SQL_QUOTE_CLAUSE = /['"`]\)? ?(?:order|group) by \d/;
const SQL_PROBES = ['extractvalue(', 'updatexml(', 'concat(0x', 'information_schema', '@@version', 'into outfile', 'into dumpfile', 'load_file(', 'xp_cmdshell', 'sqlite_master', 'pg_catalog.', 'mysql.user', 'sys.objects', 'sysobjects'];

// Cross-site scripting
const XSS_SCRIPT = ['<script', '</script'];
const XSS_URL = ['javascript:', 'vbscript:', 'livescript:', 'data:text/html', 'data:application/xhtml', 'data:image/svg+xml'];
const XSS_HANDLER = /\bon[a-z]{3,30}\s*=/;
const XSS_TAG =
  /<(?:svg|img|image|iframe|frame|frameset|object|embed|applet|body|math|details|video|audio|source|style|link|meta|base|form|input|button|textarea|select|marquee|isindex|template|xml|xss|animate|set|portal)\b/;
const XSS_SINKS = ['document.cookie', 'document.domain', 'document.write', 'window.location', 'fromcharcode(', 'alert(', 'prompt(', 'confirm(', 'eval(', 'expression(', 'srcdoc='];

// Path traversal and local file references
const TRAVERSAL = ['../', '..\\', '/..', '\\..'];
const SENSITIVE_FILES = ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/hosts', '/proc/self/', '/proc/version', 'c:\\windows', 'c:/windows', 'win.ini', 'boot.ini', 'system32', '/.git/', '/.env', '.htaccess', '.htpasswd', 'web.config', '/.ssh/', 'id_rsa', '/var/log/'];
const LOCAL_SCHEMES = ['file://', 'php://', 'phar://', 'expect://', 'zip://', 'glob://', 'gopher://', 'dict://', 'ldap://', 'jar:file:'];

// Command injection
const CMD_AFTER_SEPARATOR =
  /(?:;|&&|\|\|) ?(?:cat|ls|id|whoami|uname|pwd|echo|printf|env|ps|sleep|kill|nc|ncat|netcat|socat|wget|curl|bash|sh|zsh|ksh|dash|ping|nslookup|dig|telnet|rm|chmod|chown|python[23]?|perl|ruby|php|base64|nohup|busybox|ifconfig|net)(?![\w.-])/;
/** After a single `|` or `&` (pipe, background), only names that are rarely English words. */
const CMD_AFTER_PIPE = /[|&] ?(?:nc|ncat|netcat|socat|wget|curl|bash|sh|zsh|ksh|base64|busybox|whoami|uname)(?![\w.-])/;
const CMD_SUBSTITUTION = ['$(', '${'];
const CMD_BACKTICK = /`\s?(?:cat|ls|id|whoami|uname|pwd|echo|nc|wget|curl|bash|sh|ping|sleep|rm|python[23]?|perl)(?![\w.-])/;
const SHELL_PATHS = ['/bin/sh', '/bin/bash', '/bin/zsh', '/bin/busybox', '/usr/bin/env', 'cmd.exe', 'cmd /c', 'powershell -', 'powershell.exe'];

const SIGNATURES: Record<SignatureRuleId, (t: Prepared) => boolean> = {
  'sqli-001': (t) => SQL_QUOTE_TAUTOLOGY.test(t.sql) || SQL_NUMERIC_TAUTOLOGY.test(t.sql),
  'sqli-002': (t) => SQL_UNION.test(t.sql),
  'sqli-003': (t) => SQL_STACKED.test(t.sql),
  'sqli-004': (t) => SQL_TIME.test(t.sql),
  'sqli-005': (t) => SQL_QUOTE_COMMENT.test(t.lower) || SQL_QUOTE_CLAUSE.test(t.sql),
  'sqli-006': (t) => includesAny(t.sql, SQL_PROBES),
  'xss-001': (t) => includesAny(t.lower, XSS_SCRIPT),
  'xss-002': (t) => includesAny(t.lower, XSS_URL),
  'xss-003': (t) => XSS_HANDLER.test(t.lower),
  'xss-004': (t) => XSS_TAG.test(t.lower),
  'xss-005': (t) => includesAny(t.lower, XSS_SINKS),
  'trav-001': (t) => includesAny(t.lower, TRAVERSAL),
  'trav-002': (t) => includesAny(t.lower, SENSITIVE_FILES),
  'trav-003': (t) => includesAny(t.lower, LOCAL_SCHEMES),
  'cmdi-001': (t) => CMD_AFTER_SEPARATOR.test(t.lower) || CMD_AFTER_PIPE.test(t.lower),
  'cmdi-002': (t) => includesAny(t.lower, CMD_SUBSTITUTION),
  'cmdi-003': (t) => CMD_BACKTICK.test(t.lower),
  'cmdi-004': (t) => includesAny(t.lower, SHELL_PATHS),
};

const QUOTES = ["'", '"', '`'];
const hasQuote = (text: string): boolean => includesAny(text, QUOTES);

/**
 * Cheap necessary conditions for the rules built on regular expressions: each looks for a
 * literal that every alternative of the rule's expressions requires (a quote, `;`, `(`, `<`, `=`,
 * a separator, a keyword), so ordinary text skips the expressions (which are slow where they are
 * interpreted, as on Fastly). A guard never changes a verdict: a rule whose guard is false cannot
 * match (tested against the unguarded rules on generated text).
 */
export const SIGNATURE_GUARDS: Partial<Record<SignatureRuleId, (t: Prepared) => boolean>> = {
  // SQL_QUOTE_TAUTOLOGY starts with a quote; SQL_NUMERIC_TAUTOLOGY has a space after or/and.
  'sqli-001': (t) => hasQuote(t.sql) || t.sql.includes(' '),
  'sqli-002': (t) => t.sql.includes('union'),
  'sqli-003': (t) => t.sql.includes(';'),
  'sqli-004': (t) => t.sql.includes('(') || t.sql.includes('waitfor') || t.sql.includes('dbms_pipe'),
  // SQL_QUOTE_COMMENT (on lower) and SQL_QUOTE_CLAUSE (on sql) both start with a quote.
  'sqli-005': (t) => hasQuote(t.lower) || hasQuote(t.sql),
  'xss-003': (t) => t.lower.includes('='),
  'xss-004': (t) => t.lower.includes('<'),
  'cmdi-001': (t) => t.lower.includes(';') || t.lower.includes('&') || t.lower.includes('|'),
  'cmdi-003': (t) => t.lower.includes('`'),
};

/**
 * The first signature (in SIGNATURE_RULE_IDS order) matching any of `texts`, skipping the
 * rules in `disabled`; null when none matches.
 */
/** Every needle list of the substring rules, for tests (each needle trips SIGNATURE_TRIGGER). */
export const SIGNATURE_NEEDLES: readonly (readonly string[])[] = [SQL_PROBES, XSS_SCRIPT, XSS_URL, XSS_SINKS, TRAVERSAL, SENSITIVE_FILES, LOCAL_SCHEMES, CMD_SUBSTITUTION, SHELL_PATHS];

/**
 * Text with none of these cannot match any signature, so it skips them all in one test: every
 * needle of the substring rules contains one of its alternatives (a special character or the
 * needle itself), and so does every literal a guarded expression requires (quotes, `;`, `(`,
 * `<`, `=`, `&`, `|`, "or " / "and " before a number, union, waitfor, dbms_pipe). Tested: each
 * needle trips it, and verdicts with and without it agree on generated text.
 */
export const SIGNATURE_TRIGGER =
  /['"`;(<=&|$:]|\.\.|or |and |union|waitfor|dbms_pipe|information_schema|@@version|into outfile|into dumpfile|xp_cmdshell|sqlite_master|pg_catalog\.|mysql\.user|sys\.objects|sysobjects|document\.(?:cookie|domain|write)|window\.location|win\.ini|boot\.ini|system32|\.htaccess|\.htpasswd|web\.config|id_rsa|\/etc\/(?:passwd|shadow|group|hosts)|\/proc\/(?:self\/|version)|\/\.git\/|\/\.env|\/\.ssh\/|\/var\/log\/|\/bin\/(?:sh|bash|zsh|busybox)|\/usr\/bin\/env|cmd\.exe|cmd \/c|powershell -|powershell\.exe/;

/**
 * SIGNATURE_TRIGGER without its `=` and `&`: in a whole plain target those are the query's own
 * separators, not text. Derived from the trigger itself, so the two cannot drift apart.
 */
const TRIGGER_WITHOUT_SEPARATORS = (() => {
  const source = SIGNATURE_TRIGGER.source.replace("['\"`;(<=&|$:]", "['\"`;(<|$:]");
  if (source === SIGNATURE_TRIGGER.source) throw new Error('SIGNATURE_TRIGGER changed: update TRIGGER_WITHOUT_SEPARATORS');
  // The source is SIGNATURE_TRIGGER's own (a constant, linear-time pattern) minus two characters of a class.
  // eslint-disable-next-line security/detect-non-literal-regexp
  return new RegExp(source);
})();
/** `=` or `&` inside the path, or a second `=` inside one query parameter: text holding them takes the per-text pass. */
const SEPARATOR_IN_PATH = /[=&]/;
const SEPARATOR_IN_VALUE = /=[^&]*=/;

/** matchSignature's SQL view of lower-case text (comments to spaces, whitespace runs collapsed). */
function sqlView(lower: string): string {
  return SQL_REWRITTEN.test(lower) ? prepare(lower).sql : lower;
}

/**
 * One precompiled pass over a plain target (the WAF's common case: path and query made only of
 * `A-Za-z0-9/_.,*=&~-`, no `..`, every view identical): false when no signature can match any of
 * its texts — the path, each parameter name and each value — so matchSignature need not run.
 * Exact, not a heuristic: no alternative of the trigger spans the `?`, `&` or `=` between texts,
 * lower-casing and the SQL view act within each text alike on the whole target, and a text that
 * itself holds `=` or `&` (which the trigger reads as a finding) makes this answer true. The
 * per-text pass then decides as before; tested against it on the attack corpus and generated
 * targets (plain-target.test.ts).
 */
export function plainTargetMayMatch(path: string, query: string): boolean {
  if (SEPARATOR_IN_PATH.test(path) || SEPARATOR_IN_VALUE.test(query)) return true;
  const lower = (query ? `${path}?${query}` : path).toLowerCase();
  if (TRIGGER_WITHOUT_SEPARATORS.test(lower)) return true;
  const sql = sqlView(lower);
  return sql !== lower && TRIGGER_WITHOUT_SEPARATORS.test(sql);
}

/** `guarded: false` evaluates every expression (tests compare the two). */
export function matchSignature(texts: readonly string[], disabled: ReadonlySet<string> = new Set(), guarded = true): SignatureRuleId | null {
  const prepared = texts.map(prepare);
  for (const t of prepared) {
    if (guarded && !SIGNATURE_TRIGGER.test(t.lower) && (t.sql === t.lower || !SIGNATURE_TRIGGER.test(t.sql))) continue;
    for (const id of SIGNATURE_RULE_IDS) {
      if (disabled.has(id)) continue;
      if (guarded && SIGNATURE_GUARDS[id]?.(t) === false) continue;
      if (SIGNATURES[id](t)) return id;
    }
  }
  return null;
}
