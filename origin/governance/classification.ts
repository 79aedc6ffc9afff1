/**
 * Data classification: every database table and every column → one class. The one table the
 * log redactor, export, erasure, retention and encryption at rest read (issue 16, "Data
 * classification"). `classification.test.ts` fails when a column of the Drizzle schema
 * (origin/db/schema/*) has no class here, or when this table names a column that does not exist —
 * a new table or column is classified in this file, in the same change. (One table on purpose,
 * hence over 400 lines: it is as long as the schema.)
 *
 * Classes:
 *   public_content    served to anyone (published, pre-rendered content; asset bytes; public author profiles)
 *   customer_content  the customer's own data that is not public: drafts, models, names, settings
 *   personal_data     about an identifiable person: emails, names, IP addresses, user agents,
 *                     IdP attributes, and the keyed blind indexes of these. Columns named `*_enc` are
 *                     envelope tokens and `*_bidx` blind indexes (origin/crypto/personal-data.ts);
 *                     erasure removes this class
 *   secret            credentials and their hashes, encrypted secrets: never exported, never logged
 *   security_record   evidence and access control: audit rows, attempts, security events, grants,
 *                     roles, chain hashes
 *   operational       bookkeeping without content or personal data: ids, foreign keys, timestamps,
 *                     counters, states, queue attempts — follows the row's table for retention
 *
 * Each table also has a class of its own (`table`): what the row as a whole is, for retention and
 * export (e.g. `auth_attempts` rows are security records even though their IP is personal data).
 *
 * The log redactor (`logRedactionPaths`, passed to the logger by origin/main.ts): every
 * personal_data and secret column's own names (snake_case and camelCase), plus its `logFields` —
 * the names the same value goes by in log lines (`email`, `ip`, `user_agent`, `token`, `mail.to`
 * …): a value read from `users.email_enc` is logged as `email`, never as `email_enc`. A new
 * personal or secret column names its log fields here and the logger redacts them, with no change
 * to origin/logger.ts (which keeps its own baseline of credential names for loggers built without
 * the classification). Deliberately NOT redacted: the access log's `client_ip`
 * (origin/app.ts, the content read path) — the request's client address is what an access log is
 * for (abuse, rate-limit and incident investigation; ACCESS_LOG samples it, logs are kept
 * briefly), and it is the value the security events hold sealed; `ip` anywhere else is redacted.
 */

export const DATA_CLASSES = ['public_content', 'customer_content', 'personal_data', 'secret', 'security_record', 'operational'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export interface TableClassification {
  /** What a row of this table is, as a whole. */
  readonly table: DataClass;
  /** Every column (database name) → its class. */
  readonly columns: Readonly<Record<string, DataClass>>;
  /**
   * For personal_data and secret columns: the field names (or dotted pino paths) this value is
   * logged under, when they differ from the column's own names. Each name is redacted at the top
   * level of a log line and one level down (`*.name`); a dotted path exactly where it says.
   */
  readonly logFields?: Readonly<Record<string, readonly string[]>>;
}

const O = 'operational' as const;
const PUB = 'public_content' as const;
const CUST = 'customer_content' as const;
const PD = 'personal_data' as const;
const SEC = 'secret' as const;
const REC = 'security_record' as const;

/** Table name → classification. Keys are database names (what raw SQL, exports and dumps show). */
export const CLASSIFICATION: Readonly<Record<string, TableClassification>> = {
  // --- tenancy ---------------------------------------------------------------------------------
  organizations: { table: CUST, columns: { id: O, slug: CUST, name: CUST, require_2fa: REC, created_at: O } },
  spaces: { table: CUST, columns: { id: O, organization_id: O, slug: CUST, name: CUST, default_locale: CUST, created_at: O } },
  locales: { table: CUST, columns: { id: O, space_id: O, code: CUST, name: CUST, enabled: CUST, created_at: O } },

  // --- identity --------------------------------------------------------------------------------
  users: {
    table: PD,
    columns: { id: O, email_enc: PD, email_bidx: PD, name_enc: PD, password_hash: SEC, email_verified_at: O, disabled_at: O, created_at: O },
    // A mail's recipient is logged as `mail.to` (origin/identity/mail.ts LogTransport).
    logFields: { email_enc: ['email', 'mail.to'], name_enc: ['name', 'user_name'], password_hash: ['password', 'new_password'] },
  },
  memberships: { table: REC, columns: { id: O, user_id: O, organization_id: O, space_id: O, role: REC, created_at: O } },
  invitations: {
    table: REC,
    columns: { id: O, organization_id: O, space_id: O, email_enc: PD, email_bidx: PD, role: REC, token_hash: SEC, invited_by: O, created_at: O, expires_at: O, accepted_at: O, revoked_at: O },
    logFields: { email_enc: ['email', 'mail.to'], token_hash: ['token', 'invitation_token'] },
  },
  sessions: {
    table: REC,
    columns: {
      id: O,
      user_id: O,
      token_hash: SEC,
      ip_enc: PD,
      user_agent_enc: PD,
      created_at: O,
      last_seen_at: O,
      expires_at: O,
      revoked_at: O,
      reauthenticated_at: REC,
      auth_method: REC,
      sso_connection_id: O,
    },
    logFields: { token_hash: ['token', 'session_token', 'csrf_token'], ip_enc: ['ip'], user_agent_enc: ['user_agent', 'userAgent'] },
  },
  auth_tokens: { table: SEC, columns: { id: O, user_id: O, purpose: O, token_hash: SEC, created_at: O, expires_at: O, used_at: O }, logFields: { token_hash: ['token', 'reset_token', 'verify_token'] } },
  totp_factors: { table: SEC, columns: { user_id: O, secret_encrypted: SEC, last_used_step: REC, created_at: O, confirmed_at: O }, logFields: { secret_encrypted: ['secret', 'totp_secret', 'otp'] } },
  recovery_codes: { table: SEC, columns: { id: O, user_id: O, code_hash: SEC, used_at: O }, logFields: { code_hash: ['recovery_code'] } },
  auth_attempts: { table: REC, columns: { id: O, action: REC, account: PD, ip: PD, success: REC, created_at: O }, logFields: { account: ['account'], ip: ['ip'] } },
  captcha_uses: { table: REC, columns: { signature: REC, expires_at: O } },
  api_keys: {
    table: REC,
    columns: {
      id: O,
      organization_id: O,
      space_id: O,
      kind: REC,
      name: CUST,
      token_hash: SEC,
      prefix: REC,
      last_four: REC,
      scopes: REC,
      created_by: O,
      created_at: O,
      expires_at: O,
      revoked_at: O,
      last_used_at: REC,
      rotated_from_id: O,
    },
    logFields: { token_hash: ['token', 'key', 'api_key', 'apiKey'] },
  },

  // --- SSO and SCIM ----------------------------------------------------------------------------
  sso_connections: {
    table: CUST,
    columns: {
      id: O,
      organization_id: O,
      protocol: CUST,
      name: CUST,
      enabled: CUST,
      default_role: REC,
      mapping_rules: REC,
      mapping_mode: REC,
      allow_idp_initiated: REC,
      settings: CUST,
      secret_enc: SEC,
      created_at: O,
      updated_at: O,
    },
    logFields: { secret_enc: ['secret', 'client_secret', 'private_key'] },
  },
  sso_domains: { table: CUST, columns: { id: O, organization_id: O, connection_id: O, domain: CUST, verification_token: REC, verified_at: REC, created_at: O } },
  sso_login_states: { table: SEC, columns: { id_hash: SEC, connection_id: O, secret_enc: SEC, return_to: O, expires_at: O, used_at: O } },
  sso_policies: { table: REC, columns: { organization_id: O, enforced: REC, exempt_user_ids: REC, session_max_minutes: REC, updated_at: O } },
  sso_replay_cache: { table: REC, columns: { connection_id: O, assertion_id: REC, expires_at: O } },
  scim_tokens: {
    table: SEC,
    columns: { organization_id: O, token_id: O, token_hash: SEC, last_four: REC, created_by: O, created_at: O, disabled_at: O, last_used_at: REC },
  },
  scim_users: {
    table: PD,
    columns: { id: O, organization_id: O, user_id: O, external_id: O, user_name_enc: PD, user_name_bidx: PD, active: REC, attributes_enc: PD, created_at: O, updated_at: O },
    logFields: { user_name_enc: ['userName', 'user_name', 'email'], attributes_enc: ['attributes'] },
  },
  scim_groups: { table: CUST, columns: { id: O, organization_id: O, display_name: CUST, external_id: O, created_at: O, updated_at: O } },
  scim_group_members: { table: REC, columns: { group_id: O, scim_user_id: O } },

  // --- audit and security operations -----------------------------------------------------------
  audit_events: {
    table: REC,
    columns: {
      id: O,
      organization_id: O,
      actor_user_id: O,
      actor_key_id: O,
      action: REC,
      target_type: REC,
      target_id: REC,
      ip_enc: PD,
      user_agent_enc: PD,
      result: REC,
      metadata: REC,
      created_at: O,
      chain: REC,
      seq: REC,
      prev_hash: REC,
      hash: REC,
      // Chain format 2: a salted digest of the plaintext ip and user agent (erasure nulls the values and the salt).
      personal_digest: REC,
      personal_salt: REC,
    },
    logFields: { ip_enc: ['ip'], user_agent_enc: ['user_agent', 'userAgent'] },
  },
  security_events: {
    table: REC,
    columns: {
      id: O,
      rule: REC,
      severity: REC,
      organization_id: O,
      actor_user_id: O,
      actor_key_id: O,
      actor_ip_enc: PD,
      subject_type: REC,
      // An `ip` subject's id is personal data, stored sealed; other subjects are ids.
      subject_id: REC,
      dedup_key: REC,
      status: REC,
      count: REC,
      evidence: REC,
      first_seen_at: O,
      last_seen_at: O,
      window_ends_at: O,
      resolved_at: O,
    },
    logFields: { actor_ip_enc: ['ip', 'actor_ip'] },
  },
  // Data lifecycle (origin/governance: retention, export, erasure).
  audit_checkpoints: { table: REC, columns: { id: O, chain: REC, seq: REC, hash: REC, deleted: REC, created_at: O, signature: REC } },
  retention_policies: { table: CUST, columns: { organization_id: O, overrides: CUST, updated_at: O } },
  data_exports: {
    table: O,
    columns: {
      id: O,
      organization_id: O,
      user_id: O,
      requested_by: O,
      status: O,
      progress: O,
      key_encrypted: SEC,
      archive: SEC,
      archive_bytes: O,
      archive_sha256: O,
      error: O,
      created_at: O,
      started_at: O,
      finished_at: O,
      expires_at: O,
      downloaded_at: O,
    },
  },
  organization_deletions: { table: REC, columns: { organization_id: O, requested_by: O, requested_at: O, purge_after: REC } },
  erasure_certificates: { table: REC, columns: { id: O, subject_type: REC, subject_id: O, requested_by: O, requested_at: O, erased_at: O, summary: REC, signature: REC } },
  security_known_networks: { table: REC, columns: { subject_type: REC, subject_id: O, network: REC, first_seen_at: O } },
  security_settings: { table: REC, columns: { organization_id: O, thresholds: REC, security_contacts: PD, updated_at: O } },
  // Support access and IP allowlists (origin/governance/operators.ts, grants.ts, allowlist.ts).
  operators: {
    table: REC,
    columns: { id: O, email_enc: PD, email_bidx: PD, name_enc: PD, password_hash: SEC, totp_secret_encrypted: SEC, totp_last_used_step: REC, disabled_at: O, created_at: O },
    logFields: { email_enc: ['email', 'operator_email'], name_enc: ['name'], password_hash: ['password'], totp_secret_encrypted: ['secret', 'otp'] },
  },
  operator_sessions: { table: REC, columns: { id: O, operator_id: O, token_hash: SEC, created_at: O, last_seen_at: O, expires_at: O, revoked_at: O }, logFields: { token_hash: ['token'] } },
  support_grants: {
    table: REC,
    columns: { id: O, organization_id: O, scope: REC, space_ids: O, reason: CUST, ticket: CUST, operator_id: O, created_by: O, created_at: O, expires_at: O, revoked_at: O, revoked_by: O, first_used_at: O },
  },
  ip_allowlists: { table: REC, columns: { organization_id: O, key_cidrs: REC, session_cidrs: REC, enforce_reads: REC, updated_by: O, updated_at: O } },
  alert_outbox: {
    table: REC,
    columns: { id: O, channel: O, body: REC, event_id: O, incident_id: O, attempts: O, next_attempt_at: O, last_error: O, created_at: O, delivered_at: O },
  },
  incidents: {
    table: REC,
    columns: {
      id: O,
      title: REC,
      severity: REC,
      status: REC,
      organization_ids: O,
      timeline: REC,
      source_event_id: O,
      summary: REC,
      opened_by: REC,
      created_at: O,
      updated_at: O,
      resolved_at: O,
    },
  },

  // --- content ---------------------------------------------------------------------------------
  page_types: { table: CUST, columns: { id: O, space_id: O, slug: CUST, name: CUST, fields: CUST, created_at: O, updated_at: O } },
  pages: {
    table: CUST,
    columns: {
      id: O,
      space_id: O,
      page_type: CUST,
      slug: CUST,
      locale: CUST,
      name: CUST,
      status: CUST,
      fields: CUST,
      published: PUB,
      created_at: O,
      updated_at: O,
      published_at: PUB,
      version: O,
      scheduled_at: CUST,
      deleted_at: O,
    },
  },
  page_revisions: { table: CUST, columns: { id: O, page_id: O, version: O, name: CUST, status: CUST, fields: CUST, created_by_key: O, created_by_user: O, created_at: O } },
  page_counts: { table: PUB, columns: { space_id: O, page_type: PUB, locale: PUB, published: PUB, live: PUB } },
  collections: { table: CUST, columns: { id: O, space_id: O, key: CUST, name: CUST, fields: CUST, created_at: O, updated_at: O } },
  collection_items: {
    table: CUST,
    columns: {
      id: O,
      item_id: O,
      collection_id: O,
      locale: CUST,
      status: CUST,
      fields: CUST,
      published: PUB,
      position: CUST,
      version: O,
      created_at: O,
      updated_at: O,
      published_at: PUB,
      scheduled_at: CUST,
      deleted_at: O,
    },
  },
  collection_item_revisions: {
    table: CUST,
    columns: { id: O, collection_item_id: O, version: O, label: CUST, status: CUST, fields: CUST, created_by_key: O, created_by_user: O, created_at: O },
  },
  // Author profiles are what the customer publishes about its writers (the Content API serves them).
  authors: {
    table: PUB,
    columns: {
      id: O,
      space_id: O,
      slug: PUB,
      first_name: PUB,
      last_name: PUB,
      email: PUB,
      bio: PUB,
      title: PUB,
      linkedin_url: PUB,
      facebook_url: PUB,
      instagram_url: PUB,
      pinterest_url: PUB,
      twitter_handle: PUB,
      profile_image: PUB,
      created_at: O,
    },
  },
  categories: { table: CUST, columns: { id: O, space_id: O, slug: CUST, name: CUST } },
  tags: { table: CUST, columns: { id: O, space_id: O, slug: CUST, name: CUST } },
  posts: {
    table: CUST,
    columns: {
      id: O,
      space_id: O,
      slug: CUST,
      status: CUST,
      title: CUST,
      body: CUST,
      summary: CUST,
      seo_title: CUST,
      meta_description: CUST,
      featured_image: CUST,
      featured_image_alt: CUST,
      author_id: O,
      published: PUB,
      version: O,
      created_at: O,
      updated_at: O,
      published_at: PUB,
      scheduled_at: CUST,
      deleted_at: O,
    },
  },
  post_categories: { table: CUST, columns: { post_id: O, category_id: O } },
  post_tags: { table: CUST, columns: { post_id: O, tag_id: O } },
  post_revisions: { table: CUST, columns: { id: O, post_id: O, version: O, title: CUST, status: CUST, fields: CUST, created_by_key: O, created_by_user: O, created_at: O } },
  assets: { table: PUB, columns: { id: O, space_id: O, filename: PUB, content_type: PUB, size: PUB, sha256: PUB, data: PUB, created_at: O } },

  // --- key management (origin/governance/keys.ts) ---------------------------------------------
  key_rotation_progress: { table: O, columns: { target_version: O, column_ref: O, last_id: O, rows_done: O, finished_at: O, updated_at: O } },

  // --- outboxes --------------------------------------------------------------------------------
  purge_outbox: { table: O, columns: { id: O, space_id: O, keys: O, soft: O, attempts: O, next_attempt_at: O, last_error: O, created_at: O, delivered_at: O } },
  webhooks: { table: CUST, columns: { id: O, space_id: O, url: CUST, events: CUST, secret_encrypted: SEC, active: CUST, created_at: O }, logFields: { secret_encrypted: ['secret', 'signing_secret'] } },
  webhook_deliveries: {
    table: CUST,
    columns: { id: O, webhook_id: O, event: CUST, payload: CUST, status: O, attempts: O, next_attempt_at: O, last_status_code: O, last_error: O, created_at: O, delivered_at: O },
  },
  // Remote media downloaded into the asset store (origin/content/assets/media-import.ts).
  media_imports: {
    table: CUST,
    columns: { id: O, space_id: O, url: CUST, status: O, attempts: O, next_attempt_at: O, locked_until: O, last_error: O, asset_id: O, sha256: O, created_at: O, updated_at: O, completed_at: O },
  },
  media_import_refs: { table: O, columns: { id: O, import_id: O, resource_type: O, resource_id: O, created_at: O, rewritten_at: O } },

  // --- billing (origin/billing/): Stripe's ids and the plan state only — no card data, no billing contact ------
  billing_accounts: {
    table: CUST,
    columns: { organization_id: O, plan: CUST, status: O, stripe_customer_id: O, stripe_subscription_id: O, current_period_end: O, past_due_since: O, entitlements: CUST, created_at: O, updated_at: O },
  },
  billing_usage: { table: O, columns: { organization_id: O, period: O, write_requests: O } },
  billing_events: { table: REC, columns: { event_id: REC, type: REC, organization_id: O, received_at: O } },
};

export interface ClassifiedColumn {
  table: string;
  column: string;
}

/** The class of `table`.`column` (database names), or undefined when the pair is not classified. */
export function classOfColumn(table: string, column: string): DataClass | undefined {
  const t = Object.hasOwn(CLASSIFICATION, table) ? CLASSIFICATION[table] : undefined;
  return t && Object.hasOwn(t.columns, column) ? t.columns[column] : undefined;
}

/** The class of a whole table (for retention and export), or undefined when not classified. */
export function classOfTable(table: string): DataClass | undefined {
  return Object.hasOwn(CLASSIFICATION, table) ? CLASSIFICATION[table]!.table : undefined;
}

/** Every column of `cls`, in table order. */
export function columnsOfClass(cls: DataClass): ClassifiedColumn[] {
  const out: ClassifiedColumn[] = [];
  for (const [table, t] of Object.entries(CLASSIFICATION)) {
    for (const [column, c] of Object.entries(t.columns)) if (c === cls) out.push({ table, column });
  }
  return out;
}

/** Tables whose rows as a whole are of `cls`. */
export function tablesOfClass(cls: DataClass): string[] {
  return Object.entries(CLASSIFICATION)
    .filter(([, t]) => t.table === cls)
    .map(([table]) => table);
}

const camel = (snake: string): string => snake.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

const isSensitive = (c: DataClass): boolean => c === 'personal_data' || c === 'secret';

/**
 * Field names that never belong in a log line: every column classified personal_data or secret,
 * in its database (snake_case) and Drizzle (camelCase) spelling — minus names that are also
 * ordinary non-sensitive columns elsewhere (`name`, `email` of public author profiles), which
 * would censor harmless fields. (Log aliases are added by `logRedactionPaths`.)
 */
export function sensitiveFieldNames(classification: Readonly<Record<string, TableClassification>> = CLASSIFICATION): string[] {
  const sensitive = new Set<string>();
  const ordinary = new Set<string>();
  for (const t of Object.values(classification)) {
    for (const [column, c] of Object.entries(t.columns)) (isSensitive(c) ? sensitive : ordinary).add(column);
  }
  const names = new Set<string>();
  for (const column of sensitive) {
    if (ordinary.has(column)) continue;
    names.add(column);
    names.add(camel(column));
  }
  return [...names].sort();
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A log field name or a dotted path of them (what pino's redaction accepts without quoting). */
export const isLogField = (alias: string): boolean => alias.split('.').every((part) => FIELD_NAME.test(part));

/**
 * The logger's redaction paths derived from the classification (origin/main.ts passes them to
 * createLogger): each sensitive column name (`sensitiveFieldNames`) and each `logFields` alias of
 * a personal_data or secret column, at the top level and one level down (`x`, `*.x`); a dotted
 * alias (`mail.to`) exactly as written. Throws on an alias pino could not parse (the
 * classification test runs this).
 */
export function logRedactionPaths(classification: Readonly<Record<string, TableClassification>> = CLASSIFICATION): string[] {
  const fields = new Set(sensitiveFieldNames(classification));
  const dotted = new Set<string>();
  for (const [table, t] of Object.entries(classification)) {
    for (const [column, aliases] of Object.entries(t.logFields ?? {})) {
      const cls = Object.hasOwn(t.columns, column) ? t.columns[column] : undefined;
      if (cls === undefined || !isSensitive(cls)) throw new Error(`classification: ${table}.logFields names ${column}, which is not a personal_data or secret column`);
      for (const alias of aliases) {
        if (!isLogField(alias)) throw new Error(`classification: ${table}.logFields.${column}: "${alias}" is not a field name or dotted path`);
        (alias.includes('.') ? dotted : fields).add(alias);
      }
    }
  }
  return [...[...fields].flatMap((f) => [f, `*.${f}`]), ...dotted].sort();
}
