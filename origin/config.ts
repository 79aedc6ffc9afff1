import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { isAccessLog } from '../shared/access-log.js';
import { intSetting, jsonSetting, parseConfig } from '../shared/config.js';

const port = (fallback: number) => intSetting(0, 65535, fallback, 'a port number (0 = any free port)');
/** `true`/`false` (or 1/0); unset = the setting's NODE_ENV-dependent default (origin/http/rate-limit.ts). */
const onOff = () =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .optional();
/** Requests per second per instance, averaged over ORIGIN_RATE_LIMIT_WINDOW. */
const rps = (fallback: number) => intSetting(1, 1_000_000, fallback);

export const originConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'must be development, test or production' }).default('development'),
    ORIGIN_HOST: z.string().default('127.0.0.1'),
    ORIGIN_PORT: port(8787),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino level' }).default('info'),
    /** Per-request access lines (info lines): off, all, or sample:<rate> (shared/access-log.ts). */
    ACCESS_LOG: z.string().refine(isAccessLog, { message: 'must be off, all or sample:<rate> (0 < rate ≤ 1)' }).default('all'),
    /** Prometheus metrics on a listener of their own (origin/ops/metrics): 0 = none. Bound to METRICS_HOST (loopback by default). */
    METRICS_PORT: intSetting(0, 65535, 0, 'a port number (0 = no metrics listener)'),
    METRICS_HOST: z.string().default('127.0.0.1'),
    /** Bearer token for scrapes: required on the metrics listener when set, and the only way /metrics is served on the API port. */
    METRICS_TOKEN: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
      .optional(),
    DATABASE_POOL_MAX: intSetting(1, 200, 10),
    DATABASE_STATEMENT_TIMEOUT_MS: intSetting(100, 600_000, 15_000),
    /** A request not answered within this is answered 503 + Retry-After (origin/http/deadline.ts): the bound when the database is slow to reach, not slow to run. */
    ORIGIN_REQUEST_TIMEOUT_MS: intSetting(1000, 600_000, 30_000),
    DATABASE_SSLMODE: z
      .enum(['disable', 'prefer', 'require', 'verify-full'], { message: 'must be disable, prefer, require or verify-full' })
      .default('prefer'),
    DATABASE_SSL_CA_FILE: z.string().optional(),
    /**
     * Streaming replicas for reads that may lag (published content, lists, search, feeds):
     * postgres:// URLs, comma-separated; unset = every query on DATABASE_URL (origin/db/replicas.ts).
     */
    DATABASE_REPLICA_URLS: z
      .string()
      .refine((v) => v.split(',').every((u) => /^postgres(ql)?:\/\/\S+$/.test(u.trim())), { message: 'must be postgres:// URLs, comma-separated' })
      .optional(),
    /** A replica further behind the primary than this is skipped (its reads go to the primary); also how long purges may wait for replicas. */
    DATABASE_REPLICA_MAX_LAG_MS: intSetting(100, 60_000, 5000),
    /** How often each replica's reachability and lag are checked. */
    DATABASE_REPLICA_CHECK_MS: intSetting(50, 60_000, 1000),
    PGLITE_DIR: z.string().default('data/pglite'),
    TLS_CERT_FILE: z.string().optional(),
    TLS_KEY_FILE: z.string().optional(),
    ALLOW_PLAIN_HTTP: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    EDGE_SHARED_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    /**
     * Reverse proxies in front of the origin (CIDRs, comma-separated): only a request whose socket peer is
     * inside one has its client address taken from X-Forwarded-For (the rightmost entry that is not itself a
     * trusted proxy); anyone else's X-Forwarded-For is ignored (origin/http/client-address.ts).
     */
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .refine((v) => v === undefined || v.split(',').every((p) => ipaddr.isValidCIDR(p.trim()) || ipaddr.isValid(p.trim())), { message: 'must be CIDRs or addresses, comma-separated' }),
    SHUTDOWN_TIMEOUT_MS: intSetting(0, 120_000, 10_000),
    /** Where purges go: `edge` (the edge's signed /.edge/purge, local), `fastly` (the Fastly API), `none`. */
    PURGE_TARGET: z.enum(['none', 'edge', 'fastly'], { message: 'must be none, edge or fastly' }).default('none'),
    /** Base URL of the edge for PURGE_TARGET=edge (npm start sets it). */
    EDGE_PURGE_URL: z.string().url({ message: 'must be a URL' }).optional(),
    FASTLY_API_URL: z.string().url({ message: 'must be a URL' }).default('https://api.fastly.com'),
    FASTLY_SERVICE_ID: z.string().regex(/^[A-Za-z0-9]{1,64}$/, { message: 'must be a Fastly service id' }).optional(),
    FASTLY_API_TOKEN: z.string().min(16, { message: 'must be a Fastly API token' }).optional(),
    PURGE_INTERVAL_MS: intSetting(50, 600_000, 500),
    /** How long purge-outbox rows claimed by a run stay invisible to other runs: a process killed mid-run has its rows sent again after this. */
    PURGE_LEASE_MS: intSetting(1000, 3_600_000, 120_000),
    /** Cap on the purge retry delay while the target is down (exponential from 500 ms, jittered). */
    PURGE_RETRY_MAX_MS: intSetting(500, 3_600_000, 300_000),
    /**
     * Master keys for envelope encryption of secrets at rest, `v1:<base64 32 bytes>[,v2:…]`; the
     * highest version encrypts, every listed version decrypts. Required in production.
     */
    MASTER_KEYS: z
      .string()
      .refine((v) => v.split(',').every((part) => /^v\d{1,4}:[A-Za-z0-9+/=_-]{43,44}$/.test(part)), { message: 'must be v<n>:<base64 32-byte key>[,…]' })
      .optional(),
    /** Allow webhook targets on loopback addresses (tests and local development only). */
    WEBHOOK_ALLOW_LOOPBACK: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    WEBHOOK_INTERVAL_MS: intSetting(50, 600_000, 1000),
    // --- SSO ------------------------------------------------------------------------------
    /**
     * DNS servers that answer domain-verification TXT lookups, `ip[:port][,…]`; unset: the
     * system's resolvers.
     */
    SSO_DNS_SERVERS: z
      .string()
      .refine((v) => v.split(',').every((s) => isDnsServer(s.trim())), { message: 'must be ip[:port][,…] (IPv6 in brackets)' })
      .optional(),
    /** Allow identity-provider URLs (OIDC discovery, SAML metadata) on loopback (tests and local demos only). */
    SSO_ALLOW_LOOPBACK: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /**
     * SSO sign-in units per second one origin process admits (origin/identity/sso/admission.ts;
     * one unit ≈ one OpenID Connect sign-in, start + callback; a SAML ACS counts ACS_COST): a surge
     * waits its turn, fairly across connections, so content reads keep their latency. 0 = no rate
     * bound. Lower: reads faster under a surge, the surge slower to sign in.
     */
    SSO_SIGN_IN_RATE: intSetting(0, 100_000, 30),
    /** Longest a sign-in step waits for its turn, then 503 + Retry-After (the origin caps it at half ORIGIN_REQUEST_TIMEOUT_MS). */
    SSO_SIGN_IN_MAX_WAIT_MS: intSetting(100, 600_000, 10_000),
    /** Allow media imports (remote media fields, the ButterCMS importer) from loopback addresses (tests and local development only). */
    MEDIA_IMPORT_ALLOW_LOOPBACK: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /** How often the media import worker looks for due imports (it also runs after every write). */
    MEDIA_IMPORT_INTERVAL_MS: intSetting(100, 600_000, 5000),
    /** How often the scheduler looks for scheduled pages that are due. */
    SCHEDULER_INTERVAL_MS: intSetting(100, 600_000, 5000),
    // --- identity -------------------------------------------------------------------------
    /** Base URL of the app that receives emailed links (verification, reset, invitation). */
    PUBLIC_APP_URL: z.string().url({ message: 'must be a URL' }).default('http://localhost:8787'),
    /**
     * Password peppers, `v1:<base64 32 bytes>[,v2:…]`: the highest version hashes new
     * passwords, every listed version verifies (logins rehash to the newest). Required in production.
     */
    PASSWORD_PEPPERS: z
      .string()
      .refine((v) => v.split(',').every((part) => /^v\d{1,4}:[A-Za-z0-9+/=_-]{43,44}$/.test(part)), { message: 'must be v<n>:<base64 32-byte key>[,…]' })
      .optional(),
    /** Signs captcha challenges and derives CSRF tokens. Required in production. */
    AUTH_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    /**
     * Rotating AUTH_SECRET: the previous one, still accepted when verifying CSRF tokens and captcha
     * challenges (never used to sign) until PREVIOUS_AUTH_SECRET_UNTIL, or until removed.
     */
    PREVIOUS_AUTH_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    /** The end of the grace window (ISO 8601 date-time); unset: until PREVIOUS_AUTH_SECRET is removed. */
    PREVIOUS_AUTH_SECRET_UNTIL: z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time (2026-12-31T00:00:00Z)' }).optional(),
    BCRYPT_COST: intSetting(10, 15, 11),
    /** `default`: ≥ 8 characters with letters, numbers and symbols; `nist`: ≥ 15 characters, no composition rules. */
    PASSWORD_POLICY: z.enum(['default', 'nist'], { message: 'must be default or nist' }).default('default'),
    /** Have I Been Pwned range API (k-anonymity); `off` disables the check. */
    HIBP_URL: z.string().default('https://api.pwnedpasswords.com'),
    HIBP_TIMEOUT_MS: intSetting(100, 30_000, 2000),
    SESSION_IDLE_MINUTES: intSetting(1, 60 * 24 * 30, 60 * 12),
    SESSION_ABSOLUTE_HOURS: intSetting(1, 24 * 90, 24 * 14),
    /** Failed logins (per account or per IP) in the window before a captcha is required. */
    LOGIN_CAPTCHA_AFTER: intSetting(1, 1000, 5),
    LOGIN_FAILURE_WINDOW_MINUTES: intSetting(1, 24 * 60, 15),
    /**
     * How recent a session's last password proof (login or POST /v1/auth/reauthenticate) must be
     * for 2FA setup and confirmation and for API-key creation or rotation by a session.
     */
    REAUTH_MAX_AGE_MINUTES: intSetting(1, 24 * 60, 10),
    /** How long a rotated API key keeps working (0 = revoked at once). */
    KEY_ROTATION_GRACE_SECONDS: intSetting(0, 60 * 60 * 24 * 90, 60 * 60 * 24),
    // --- data lifecycle (origin/governance: retention, export, erasure) -------------------------
    /** How often the retention job runs (it is idempotent: a run deletes only what is due); 0 = never. */
    RETENTION_INTERVAL_MS: intSetting(0, 7 * 86_400_000, 86_400_000),
    /** Rows one delete statement removes, and the most one run removes per class and organization (the next run goes on). */
    RETENTION_BATCH_SIZE: intSetting(1, 100_000, 1000),
    RETENTION_MAX_ROWS_PER_RUN: intSetting(1, 100_000_000, 100_000),
    /** Soft-deleted pages, collection items and posts (with assets only they used) are purged after this many days. */
    RETENTION_SOFT_DELETED_DAYS: intSetting(1, 3650, 30),
    /** A revision is deleted when it is older than RETENTION_REVISIONS_DAYS and not among its item's newest RETENTION_REVISIONS_KEEP; published ones are kept. */
    RETENTION_REVISIONS_KEEP: intSetting(1, 100_000, 50),
    RETENTION_REVISIONS_DAYS: intSetting(1, 3650, 90),
    /** Sessions, single-use tokens, invitations and SSO states this many days after they expired, were revoked or used. */
    RETENTION_EXPIRED_TOKENS_DAYS: intSetting(0, 3650, 7),
    RETENTION_LOGIN_ATTEMPTS_DAYS: intSetting(1, 3650, 30),
    RETENTION_WEBHOOK_DELIVERIES_DAYS: intSetting(1, 3650, 30),
    /** Resolved security events. */
    RETENTION_SECURITY_EVENTS_DAYS: intSetting(1, 3650, 365),
    /** Audit rows (each chain keeps a signed checkpoint over the last deleted row; needs AUTH_SECRET). */
    RETENTION_AUDIT_DAYS: intSetting(30, 3650, 365),
    /** Days between an organization's deletion request and its hard deletion (cancellable until then). */
    ORG_DELETION_GRACE_DAYS: intSetting(0, 90, 7),
    /** Outgoing mail: an smtp(s):// URL, or unset to log mail (local use). */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' })
      .optional(),
    MAIL_FROM: z.string().default('ghee <no-reply@localhost>'),
    // --- security operations (origin/ops/security) ----------------------------------------------
    /** Overrides of the detection rules' defaults: `{"login_failures_ip":{"threshold":50,"windowMinutes":10}}` (rule names checked at start). */
    SECURITY_THRESHOLDS: jsonSetting(z.record(z.string(), z.strictObject({ threshold: z.number().int().min(1).max(1_000_000).optional(), windowMinutes: z.number().gt(0).max(10_080).optional() }), { message: 'must map rule names to { threshold, windowMinutes }' })),
    /** How often open security events are resolved once their window passed, and the rules' memory swept. */
    SECURITY_INTERVAL_MS: intSetting(50, 3_600_000, 30_000),
    /** How often every audit chain is verified (a broken chain raises a critical event); 0 = never. */
    SECURITY_AUDIT_VERIFY_MS: intSetting(0, 86_400_000, 3_600_000),
    /** PagerDuty Events API v2: base URL and the integration's routing key (a secret; unset = no PagerDuty alerts). */
    PAGERDUTY_URL: z.string().url({ message: 'must be a URL' }).default('https://events.pagerduty.com'),
    PAGERDUTY_ROUTING_KEY: z.string().regex(/^[A-Za-z0-9]{20,64}$/, { message: 'must be a PagerDuty integration (routing) key' }).optional(),
    /** The lowest severity paged (info, low, medium, high, critical). */
    PAGERDUTY_MIN_SEVERITY: z.enum(['info', 'low', 'medium', 'high', 'critical'], { message: 'must be info, low, medium, high or critical' }).default('medium'),
    /** A receiver of every security event (raised and resolved), signed with SECURITY_WEBHOOK_SECRET like content webhooks. */
    SECURITY_WEBHOOK_URL: z.string().url({ message: 'must be a URL' }).optional(),
    SECURITY_WEBHOOK_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    ALERT_INTERVAL_MS: intSetting(50, 600_000, 2000),
    ALERT_RETRY_MAX_MS: intSetting(100, 86_400_000, 300_000),
    /** The threat list (one address or CIDR prefix per line): a URL or a file, synced every THREAT_SYNC_INTERVAL_MS. */
    THREAT_LIST_URL: z.string().url({ message: 'must be a URL' }).optional(),
    THREAT_LIST_FILE: z.string().optional(),
    THREAT_SYNC_INTERVAL_MS: intSetting(1000, 604_800_000, 3_600_000),
    /** The Fastly Compute ACL the edge blocks from (ghee_blocklist), synced with FASTLY_API_TOKEN. */
    FASTLY_ACL_ID: z.string().regex(/^[A-Za-z0-9]{1,64}$/, { message: 'must be a Fastly ACL id' }).optional(),
    /** The Node edge twin's blocklist file the sync writes (MemoryBlocklist's format). */
    EDGE_BLOCKLIST_FILE: z.string().optional(),
    // --- billing (origin/billing/) --------------------------------------------------------------
    /** `off` (self-hosted: no plans, no limits) or `stripe` (plans and limits, Checkout, Customer Portal, webhooks). */
    BILLING: z.enum(['off', 'stripe'], { message: 'must be off or stripe' }).default('off'),
    /** Stripe secret (or restricted) API key. */
    STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{1,255}$/, { message: 'must be a Stripe secret key (sk_… or rk_…)' }).optional(),
    /** The webhook endpoint's signing secret (whsec_…). */
    STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=_-]{8,255}$/, { message: 'must be a Stripe webhook signing secret (whsec_…)' }).optional(),
    /** The Stripe API base URL (tests point it at stripe-mock). */
    STRIPE_API_BASE: z.string().url({ message: 'must be a URL' }).default('https://api.stripe.com'),
    /** The Stripe Price of each paid plan (else the Price with lookup_key ghee_<plan>_monthly, as sync-plans creates). */
    STRIPE_PRICE_TEAM: z.string().regex(/^price_[A-Za-z0-9]{1,255}$/, { message: 'must be a Stripe Price id (price_…)' }).optional(),
    STRIPE_PRICE_BUSINESS: z.string().regex(/^price_[A-Za-z0-9]{1,255}$/, { message: 'must be a Stripe Price id (price_…)' }).optional(),
    STRIPE_PRICE_ENTERPRISE: z.string().regex(/^price_[A-Za-z0-9]{1,255}$/, { message: 'must be a Stripe Price id (price_…)' }).optional(),
    /** Days a past-due subscription keeps writing (dunning) before the organization turns read-only. */
    BILLING_GRACE_DAYS: intSetting(0, 90, 7),
    /** Where Checkout returns (default: PUBLIC_APP_URL/billing/success and /billing/cancel). */
    BILLING_SUCCESS_URL: z.string().url({ message: 'must be a URL' }).optional(),
    BILLING_CANCEL_URL: z.string().url({ message: 'must be a URL' }).optional(),
    /** Where the Customer Portal returns (default: PUBLIC_APP_URL/billing). */
    BILLING_PORTAL_RETURN_URL: z.string().url({ message: 'must be a URL' }).optional(),
    // --- origin rate limits and edge-only reads (origin/http/rate-limit.ts) -------------------
    /** Per-key and per-IP limits at the origin, in this instance's memory. Unset: on in production, off otherwise. */
    ORIGIN_RATE_LIMIT: onOff(),
    /** Seconds the limits are averaged over (1, 10 or 60, as at the edge). */
    ORIGIN_RATE_LIMIT_WINDOW: z
      .enum(['1', '10', '60'], { message: 'must be 1, 10 or 60' })
      .default('10')
      .transform((v) => Number(v) as 1 | 10 | 60),
    /** Seconds a client (key or address) over a limit is refused for (Retry-After). */
    ORIGIN_RATE_LIMIT_PENALTY_SECONDS: intSetting(1, 3600, 60),
    /** Content reads (GET/HEAD /v2/… except /v2/manage/) with a directly presented key. */
    ORIGIN_RATE_LIMIT_READ_KEY_RPS: rps(500),
    ORIGIN_RATE_LIMIT_READ_IP_RPS: rps(50),
    /** Writes (any other method on /v2/… and /assets/…). */
    ORIGIN_RATE_LIMIT_WRITE_KEY_RPS: rps(50),
    ORIGIN_RATE_LIMIT_WRITE_IP_RPS: rps(50),
    /** Everything else: management (/v1/…, /v2/manage/…), sign-in, unknown paths. */
    ORIGIN_RATE_LIMIT_MANAGE_KEY_RPS: rps(20),
    ORIGIN_RATE_LIMIT_MANAGE_IP_RPS: rps(20),
    /** A signed-in member (a session the API verified), every class: per member, and all members behind one address together (a backstop). */
    ORIGIN_RATE_LIMIT_MEMBER_RPS: rps(20),
    ORIGIN_RATE_LIMIT_MEMBER_IP_RPS: rps(200),
    /** Edge-asserted reads (cache misses the edge already limited) get the read limits times this, per asserted key and client address. */
    ORIGIN_RATE_LIMIT_EDGE_FACTOR: intSetting(1, 10_000, 10),
    /** Refuse keyed content reads that do not carry a signed edge assertion (403). Unset: on in production, off otherwise. */
    ORIGIN_REQUIRE_EDGE: onOff(),
  })
  .superRefine((c, ctx) => {
    if (c.PREVIOUS_AUTH_SECRET && !c.AUTH_SECRET) ctx.addIssue({ code: 'custom', path: ['PREVIOUS_AUTH_SECRET'], message: 'needs AUTH_SECRET (the new secret)' });
    if (c.PREVIOUS_AUTH_SECRET && c.PREVIOUS_AUTH_SECRET === c.AUTH_SECRET) ctx.addIssue({ code: 'custom', path: ['PREVIOUS_AUTH_SECRET'], message: 'must differ from AUTH_SECRET' });
    if (c.PREVIOUS_AUTH_SECRET_UNTIL && !c.PREVIOUS_AUTH_SECRET) ctx.addIssue({ code: 'custom', path: ['PREVIOUS_AUTH_SECRET_UNTIL'], message: 'needs PREVIOUS_AUTH_SECRET' });
    if (c.DATABASE_REPLICA_URLS && !c.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_REPLICA_URLS'], message: 'needs DATABASE_URL (replicas of the embedded database do not exist)' });
    if (Boolean(c.TLS_CERT_FILE) !== Boolean(c.TLS_KEY_FILE)) {
      ctx.addIssue({ code: 'custom', path: [c.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'], message: 'must be set together with the other TLS_*_FILE' });
    }
    if (c.PURGE_TARGET === 'edge' && !c.EDGE_PURGE_URL) ctx.addIssue({ code: 'custom', path: ['EDGE_PURGE_URL'], message: 'is required when PURGE_TARGET=edge' });
    if (c.PURGE_TARGET === 'edge' && !c.EDGE_SHARED_SECRET) ctx.addIssue({ code: 'custom', path: ['EDGE_SHARED_SECRET'], message: 'is required when PURGE_TARGET=edge (it signs the purge calls)' });
    if (c.PURGE_TARGET === 'fastly') {
      if (!c.FASTLY_SERVICE_ID) ctx.addIssue({ code: 'custom', path: ['FASTLY_SERVICE_ID'], message: 'is required when PURGE_TARGET=fastly' });
      if (!c.FASTLY_API_TOKEN) ctx.addIssue({ code: 'custom', path: ['FASTLY_API_TOKEN'], message: 'is required when PURGE_TARGET=fastly' });
    }
    if (c.SECURITY_WEBHOOK_URL && !c.SECURITY_WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['SECURITY_WEBHOOK_SECRET'], message: 'is required with SECURITY_WEBHOOK_URL (it signs the alerts)' });
    if (c.FASTLY_ACL_ID && !c.FASTLY_API_TOKEN) ctx.addIssue({ code: 'custom', path: ['FASTLY_API_TOKEN'], message: 'is required with FASTLY_ACL_ID (the threat-list sync)' });
    if (c.ORIGIN_REQUIRE_EDGE === true && !c.EDGE_SHARED_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['EDGE_SHARED_SECRET'], message: 'is required when ORIGIN_REQUIRE_EDGE is on (it verifies the edge assertions)' });
    }
    if (c.BILLING === 'stripe') {
      if (!c.STRIPE_SECRET_KEY) ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message: 'is required when BILLING=stripe' });
      if (!c.STRIPE_WEBHOOK_SECRET) ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required when BILLING=stripe (it verifies the webhooks)' });
    }
    if (c.NODE_ENV === 'production') {
      if (!c.EDGE_SHARED_SECRET) ctx.addIssue({ code: 'custom', path: ['EDGE_SHARED_SECRET'], message: 'is required in production' });
      if (!c.TLS_CERT_FILE && !c.ALLOW_PLAIN_HTTP) {
        ctx.addIssue({ code: 'custom', path: ['TLS_CERT_FILE'], message: 'is required in production (or set ALLOW_PLAIN_HTTP=true behind a TLS-terminating proxy)' });
      }
      if (!c.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production (PGlite is for local use)' });
      if (!c.MASTER_KEYS) ctx.addIssue({ code: 'custom', path: ['MASTER_KEYS'], message: 'is required in production' });
      if (!c.PASSWORD_PEPPERS) ctx.addIssue({ code: 'custom', path: ['PASSWORD_PEPPERS'], message: 'is required in production' });
      if (!c.AUTH_SECRET) ctx.addIssue({ code: 'custom', path: ['AUTH_SECRET'], message: 'is required in production' });
      if (!c.SMTP_URL) ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required in production (mail is only logged without it)' });
      if (c.WEBHOOK_ALLOW_LOOPBACK) ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_LOOPBACK'], message: 'must be false in production' });
      if (c.SSO_ALLOW_LOOPBACK) ctx.addIssue({ code: 'custom', path: ['SSO_ALLOW_LOOPBACK'], message: 'must be false in production' });
      if (c.MEDIA_IMPORT_ALLOW_LOOPBACK) ctx.addIssue({ code: 'custom', path: ['MEDIA_IMPORT_ALLOW_LOOPBACK'], message: 'must be false in production' });
    }
  });

export type OriginConfig = z.infer<typeof originConfigSchema>;

/** `ip`, `ip:port` or `[ipv6]:port`, as node:dns `setServers` takes them. */
function isDnsServer(s: string): boolean {
  let host = s;
  let port = '53';
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return false;
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return false;
      port = rest.slice(1);
    }
    if (isIP(host) !== 6) return false;
  } else if (isIP(s) === 6) {
    return true;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0) {
      host = s.slice(0, colon);
      port = s.slice(colon + 1);
    }
    if (isIP(host) !== 4) return false;
  }
  const n = Number(port);
  return /^\d{1,5}$/.test(port) && n > 0 && n < 65536;
}

export function loadOriginConfig(env: Record<string, string | undefined> = process.env): OriginConfig {
  return parseConfig(originConfigSchema, env, 'origin');
}
