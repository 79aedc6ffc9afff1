import { pino, type Logger, type DestinationStream, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * JSON logs. Anything that can carry a credential is redacted by path, and request URLs are
 * logged through shared/redact.ts so `auth_token` never reaches a log line.
 *
 * The paths: this file's baseline (REDACT_PATHS: credentials and statement parameters, which every
 * logger redacts) plus the paths the caller passes — the origin passes those derived from the data
 * classification (origin/governance/classification.ts `logRedactionPaths`, wired in
 * origin/main.ts `originLogger`): every personal-data and secret column and the names its values
 * go by in log lines. This file cannot import the classification (governance imports the logger),
 * so the data comes in; a new classified column is redacted without a change here.
 *
 * Errors are made safe by the logger itself, wherever they are logged (`{ err }`, `{ error }`, an
 * Error as the first argument, an Error nested in the merged object, or its message as a string):
 * a failed statement's parameters never reach a line. Drizzle's errors put them in the message
 * (`Failed query: …\nparams: …`) and in `params`; postgres.js and PGlite errors carry `query`,
 * `parameters`/`params`, and Postgres's own `detail`/`where` (which quote row values, e.g. the
 * key of a unique violation). `safeError` keeps an allowlist of fields (type, message, stack, SQL
 * state and names, system error codes, causes), cuts `params:` off messages and stacks, redacts the
 * value Postgres quotes at the end of a data error's message, and masks anything shaped like a
 * secret (bcrypt hashes, ghee API keys, long random tokens and hex digests).
 */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'auth_token',
  'secret',
  'apiKey',
  'api_key',
  'key',
  'parameters',
  'params',
  'passwordHash',
  'password_hash',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.auth_token',
  '*.secret',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.parameters',
  '*.params',
  '*.passwordHash',
  '*.password_hash',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-ghee-sig"]',
  'req.headers["x-ghee-assert-sig"]',
  '*.headers["set-cookie"]',
];

const CENSOR = '[REDACTED]';

/** Secret-shaped substrings: bcrypt hashes, ghee API keys, and long runs of base64url/hex (session, reset and verify tokens, SHA-256 digests). */
const SECRET_SHAPES = [/\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}/g, /ghee_[a-z]+_[0-9A-Za-z]{8,}_[0-9A-Za-z]{6}/g, /[A-Za-z0-9_-]{40,}/g];

/** `s` with secret-shaped substrings masked. */
export function maskSecrets(s: string): string {
  let out = s;
  for (const re of SECRET_SHAPES) out = out.replace(re, CENSOR);
  return out;
}

/** A message or stack made safe: Drizzle's `params: …` cut off (to the end of its line), secrets masked. */
function safeText(s: string, sqlState: boolean): string {
  let out = s.replace(/\nparams: [^\n]*/g, '\nparams: [REDACTED]');
  // Postgres data errors end with the offending value: `invalid input syntax for type uuid: "…"`.
  if (sqlState) out = out.replace(/: "[^\n]*"$/gm, `: "${CENSOR}"`);
  return maskSecrets(out);
}

/** Fields of an error that name things but never hold row or parameter values. */
const SAFE_ERROR_FIELDS = ['code', 'severity', 'routine', 'schema_name', 'table_name', 'column_name', 'constraint_name', 'data_type_name', 'errno', 'syscall', 'address', 'port', 'status', 'statusCode'] as const;

const isErrorLike = (v: unknown): v is Error => v instanceof Error || (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string' && typeof (v as { stack?: unknown }).stack === 'string');

/** Errors already made safe (the log formatter runs before the `err` serializer). */
const madeSafe = new WeakSet<object>();

/** An error as a log may show it: allowlisted fields only, causes likewise (at most five deep). */
export function safeError(err: unknown, depth = 0): unknown {
  if (typeof err === 'object' && err !== null && madeSafe.has(err)) return err;
  if (!isErrorLike(err)) return typeof err === 'string' ? safeText(err, false) : err;
  const e = err as Error & Record<string, unknown>;
  const sqlState = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
  const out: Record<string, unknown> = {
    type: e.constructor?.name ?? e.name,
    message: safeText(e.message, sqlState),
  };
  if (typeof e.stack === 'string') out.stack = safeText(e.stack, sqlState);
  for (const field of SAFE_ERROR_FIELDS) {
    const v = e[field];
    if (typeof v === 'string' || typeof v === 'number') out[field] = typeof v === 'string' ? maskSecrets(v) : v;
  }
  if (depth < 5) {
    if (e.cause !== undefined) out.cause = safeError(e.cause, depth + 1);
    if (Array.isArray(e.errors)) out.errors = e.errors.slice(0, 10).map((x) => safeError(x, depth + 1));
  }
  madeSafe.add(out);
  return out;
}

/** Keys whose string values are error text (`{ error: err.message }`): made safe like a message. */
const ERROR_TEXT_KEYS = new Set(['err', 'error', 'reason', 'cause', 'message']);

/** The merged object of a log call with every error in it (top level or one level down) made safe. */
function safeLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    let safe: unknown = v;
    if (isErrorLike(v)) safe = safeError(v);
    else if (typeof v === 'string' && ERROR_TEXT_KEYS.has(key)) safe = safeText(v, false);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype) {
      const inner = v as Record<string, unknown>;
      if (Object.keys(inner).some((k) => isErrorLike(inner[k]) || (typeof inner[k] === 'string' && ERROR_TEXT_KEYS.has(k)))) safe = safeLogObject(inner);
    }
    if (safe !== v) {
      out ??= { ...obj };
      out[key] = safe;
    }
  }
  return out ?? obj;
}

/**
 * The caller's redaction paths as key sets, applied by the log formatter: `name` (top level),
 * `*.name` (one level down, under any key) and `parent.name`. pino's own redaction compiles every
 * wildcard path into a walk of its own (over a hundred classified paths cost ~200 µs a line, the
 * baseline ~30 µs); a lookup per key costs about nothing. Anything else goes to pino's redaction.
 */
interface KeyRedaction {
  top: Set<string>;
  anyChild: Set<string>;
  child: Map<string, Set<string>>;
  /** Paths of another shape, left to pino. */
  other: string[];
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function compileRedaction(paths: readonly string[]): KeyRedaction {
  const r: KeyRedaction = { top: new Set(), anyChild: new Set(), child: new Map(), other: [] };
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length === 1 && IDENT.test(path)) r.top.add(path);
    else if (parts.length === 2 && parts[0] === '*' && IDENT.test(parts[1]!)) r.anyChild.add(parts[1]!);
    else if (parts.length === 2 && IDENT.test(parts[0]!) && IDENT.test(parts[1]!)) {
      const set = r.child.get(parts[0]!) ?? new Set<string>();
      set.add(parts[1]!);
      r.child.set(parts[0]!, set);
    } else r.other.push(path);
  }
  return r;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** `obj` with the keys `r` names censored (a copy where anything changed; the caller's objects are never modified). */
function redactKeys(obj: Record<string, unknown>, r: KeyRedaction): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (r.top.has(key)) {
      if (v !== undefined) (out ??= { ...obj })[key] = CENSOR;
      continue;
    }
    if (!isPlainObject(v)) continue;
    const named = r.child.get(key);
    let inner: Record<string, unknown> | null = null;
    for (const k of Object.keys(v)) {
      if ((r.anyChild.has(k) || named?.has(k)) && v[k] !== undefined) (inner ??= { ...v })[k] = CENSOR;
    }
    if (inner) (out ??= { ...obj })[key] = inner;
  }
  return out ?? obj;
}

/** Pino options that make every line of a logger (and its children) safe to keep. */
export function safeLoggerOptions(extraRedactPaths: readonly string[] = []): Pick<LoggerOptions, 'redact' | 'serializers' | 'hooks' | 'formatters'> {
  const extra = compileRedaction(extraRedactPaths);
  const byKey = extra.top.size + extra.anyChild.size + extra.child.size > 0;
  return {
    redact: { paths: [...new Set([...REDACT_PATHS, ...extra.other])], censor: CENSOR },
    serializers: { err: safeError, error: safeError, cause: safeError },
    hooks: {
      logMethod(args, method) {
        // An Error as the first argument, or `{ err }` without a message: pino would take the raw message as `msg`.
        const [first, second] = args as unknown[];
        if (isErrorLike(first)) {
          const msg = typeof second === 'string' ? safeText(second, false) : (safeError(first) as { message: string }).message;
          method.apply(this, [{ err: first }, msg, ...(args.slice(2) as unknown[])] as Parameters<typeof method>);
          return;
        }
        if (typeof first === 'string') {
          method.apply(this, [safeText(first, false), ...(args.slice(1) as unknown[])] as Parameters<typeof method>);
          return;
        }
        if (first !== null && typeof first === 'object' && typeof second !== 'string') {
          const errorField = (first as Record<string, unknown>).err;
          if (isErrorLike(errorField)) {
            method.apply(this, [first, (safeError(errorField) as { message: string }).message, ...(args.slice(2) as unknown[])] as Parameters<typeof method>);
            return;
          }
        }
        if (typeof second === 'string') {
          method.apply(this, [first, safeText(second, false), ...(args.slice(2) as unknown[])] as Parameters<typeof method>);
          return;
        }
        method.apply(this, args);
      },
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => (byKey ? redactKeys(safeLogObject(obj), extra) : safeLogObject(obj)),
    },
  };
}

export interface LoggerSettings {
  /** Redaction paths in addition to REDACT_PATHS (pino path syntax: `field`, `*.field`, `a.b`). */
  redactPaths?: readonly string[];
}

export function createLogger(level: string, destination?: DestinationStream, settings: LoggerSettings = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'ghee-origin' },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...safeLoggerOptions(settings.redactPaths),
    },
    destination,
  );
}
