import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig } from './config.js';
import { loadOriginConfig } from '../origin/config.js';
import { edgeConfigSchema } from '../edge/config.js';

type Env = Record<string, string | undefined>;

const SECRET = 's'.repeat(32);
const PROD_OK: Env = {
  NODE_ENV: 'production',
  EDGE_SHARED_SECRET: SECRET,
  DATABASE_URL: 'postgres://ghee@db.internal:5432/ghee',
  TLS_CERT_FILE: '/etc/ghee/cert.pem',
  TLS_KEY_FILE: '/etc/ghee/key.pem',
  MASTER_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}`,
  PASSWORD_PEPPERS: `v1:${Buffer.alloc(32, 9).toString('base64')}`,
  AUTH_SECRET: 'a'.repeat(32),
  SMTP_URL: 'smtps://mail.internal:465',
};

/** The ConfigError thrown by `fn`, failing the test if nothing (or something else) is thrown. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

function expectOneLineNaming(err: ConfigError, name: string): void {
  expect(err.name).toBe('ConfigError');
  expect(err.message).not.toMatch(/[\r\n]/);
  expect(err.message).toContain(name);
}

describe('parseConfig (shared)', () => {
  const schema = z.object({
    PORT: z.coerce.number().int().min(1).max(10).default(5),
    API_TOKEN: z.string().min(10, { message: 'too short' }).optional(),
    NAME: z.string().regex(/^[a-z]+$/, { message: 'must be lowercase' }).optional(),
  });

  it('returns typed data and applies defaults', () => {
    expect(parseConfig(schema, {}, 'test')).toEqual({ PORT: 5 });
    expect(parseConfig(schema, { PORT: '7' }, 'test')).toEqual({ PORT: 7 });
  });

  it('treats empty strings and undefined as unset', () => {
    expect(parseConfig(schema, { PORT: '', API_TOKEN: '', NAME: undefined }, 'test')).toEqual({ PORT: 5 });
  });

  it('prefixes the message with the label and names the variable', () => {
    const err = configError(() => parseConfig(schema, { NAME: 'ABC' }, 'mything'));
    expectOneLineNaming(err, 'NAME');
    expect(err.message.startsWith('mything config:')).toBe(true);
    expect(err.message).toContain('must be lowercase');
    expect(err.message).toContain('"ABC"');
  });

  it('escapes control characters of a shown value so the message stays one line', () => {
    const err = configError(() => parseConfig(schema, { NAME: 'bad\nvalue\r\nINJECTED=1' }, 'test'));
    expectOneLineNaming(err, 'NAME');
  });

  it('redacts values of secret-looking names', () => {
    const err = configError(() => parseConfig(schema, { API_TOKEN: 'tiny' }, 'test'));
    expectOneLineNaming(err, 'API_TOKEN');
    expect(err.message).not.toContain('tiny');
    expect(err.message).toContain('[redacted]');
  });

  it('redacts a bad PagerDuty routing key (a secret whose name ends in KEY)', () => {
    const err = configError(() => loadOriginConfig({ PAGERDUTY_ROUTING_KEY: 'short-but-secret-key!' }));
    expectOneLineNaming(err, 'PAGERDUTY_ROUTING_KEY');
    expect(err.message).not.toContain('short-but-secret-key');
    expect(err.message).toContain('[redacted]');
  });

  it('ignores unknown variables (such as the rest of process.env)', () => {
    expect(parseConfig(schema, { PATH: '/usr/bin', HOME: '/root' }, 'test')).toEqual({ PORT: 5 });
  });
});

describe('loadOriginConfig', () => {
  it('has safe development defaults with an empty env', () => {
    const c = loadOriginConfig({});
    expect(c.NODE_ENV).toBe('development');
    expect(c.ORIGIN_HOST).toBe('127.0.0.1');
    expect(c.ORIGIN_PORT).toBe(8787);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DATABASE_POOL_MAX).toBe(10);
    expect(c.DATABASE_SSLMODE).toBe('prefer');
    expect(c.ALLOW_PLAIN_HTTP).toBe(false);
    expect(c.EDGE_SHARED_SECRET).toBeUndefined();
    expect(c.TLS_CERT_FILE).toBeUndefined();
    expect(c.TLS_KEY_FILE).toBeUndefined();
  });

  it('coerces numbers and booleans', () => {
    const c = loadOriginConfig({ ORIGIN_PORT: '9000', DATABASE_POOL_MAX: '25', ALLOW_PLAIN_HTTP: 'true' });
    expect(c.ORIGIN_PORT).toBe(9000);
    expect(c.DATABASE_POOL_MAX).toBe(25);
    expect(c.ALLOW_PLAIN_HTTP).toBe(true);
    expect(loadOriginConfig({ ALLOW_PLAIN_HTTP: '1' }).ALLOW_PLAIN_HTTP).toBe(true);
    expect(loadOriginConfig({ ALLOW_PLAIN_HTTP: '0' }).ALLOW_PLAIN_HTTP).toBe(false);
    expect(loadOriginConfig({ ALLOW_PLAIN_HTTP: 'false' }).ALLOW_PLAIN_HTTP).toBe(false);
  });

  it.each(['abc', '70000', '65536', '-1', '80.5', 'NaN', 'Infinity'])('refuses ORIGIN_PORT=%s with one line naming ORIGIN_PORT', (value) => {
    const err = configError(() => loadOriginConfig({ ORIGIN_PORT: value }));
    expectOneLineNaming(err, 'ORIGIN_PORT');
    expect(err.message.startsWith('origin config:')).toBe(true);
  });

  it('accepts the highest port', () => {
    expect(loadOriginConfig({ ORIGIN_PORT: '65535' }).ORIGIN_PORT).toBe(65535);
  });

  it('treats an empty ORIGIN_PORT as unset', () => {
    expect(loadOriginConfig({ ORIGIN_PORT: '' }).ORIGIN_PORT).toBe(8787);
  });

  it('treats every empty string as unset', () => {
    const c = loadOriginConfig({
      NODE_ENV: '',
      ORIGIN_HOST: '',
      LOG_LEVEL: '',
      DATABASE_URL: '',
      TLS_CERT_FILE: '',
      TLS_KEY_FILE: '',
      EDGE_SHARED_SECRET: '',
      ALLOW_PLAIN_HTTP: '',
    });
    expect(c).toEqual(loadOriginConfig({}));
  });

  it('names the bad value of an enum', () => {
    expectOneLineNaming(configError(() => loadOriginConfig({ NODE_ENV: 'staging' })), 'NODE_ENV');
    expectOneLineNaming(configError(() => loadOriginConfig({ LOG_LEVEL: 'loud' })), 'LOG_LEVEL');
    expectOneLineNaming(configError(() => loadOriginConfig({ ALLOW_PLAIN_HTTP: 'yes' })), 'ALLOW_PLAIN_HTTP');
    expectOneLineNaming(configError(() => loadOriginConfig({ DATABASE_SSLMODE: 'sometimes' })), 'DATABASE_SSLMODE');
  });

  it('trims surrounding whitespace and treats blank values as unset', () => {
    expect(loadOriginConfig({ DATABASE_URL: ' postgres://u:p@h/db\n' }).DATABASE_URL).toBe('postgres://u:p@h/db');
    expect(loadOriginConfig({ ORIGIN_PORT: '   ' }).ORIGIN_PORT).toBe(8787);
  });

  it.each(['0x1F90', '1e3', '-1', '80.5', '+80'])('refuses non-decimal port %s', (value) => {
    expectOneLineNaming(configError(() => loadOriginConfig({ ORIGIN_PORT: value })), 'ORIGIN_PORT');
  });

  it('accepts postgres:// and postgresql:// database URLs', () => {
    expect(loadOriginConfig({ DATABASE_URL: 'postgres://u:p@h/db' }).DATABASE_URL).toBe('postgres://u:p@h/db');
    expect(loadOriginConfig({ DATABASE_URL: 'postgresql://u:p@h/db' }).DATABASE_URL).toBe('postgresql://u:p@h/db');
  });

  it.each(['mysql://ghee:hunter2-very-secret@db/ghee', 'http://ghee:hunter2-very-secret@db/ghee', 'hunter2-very-secret', 'postgres//ghee:hunter2-very-secret@db/ghee'])(
    'refuses DATABASE_URL=%s without echoing it',
    (value) => {
      const err = configError(() => loadOriginConfig({ DATABASE_URL: value }));
      expectOneLineNaming(err, 'DATABASE_URL');
      expect(err.message).not.toContain(value);
      expect(err.message).not.toContain('hunter2');
      expect(err.message).toContain('[redacted]');
    },
  );

  it('refuses TLS_CERT_FILE without TLS_KEY_FILE, naming TLS_KEY_FILE', () => {
    expectOneLineNaming(configError(() => loadOriginConfig({ TLS_CERT_FILE: '/c.pem' })), 'TLS_KEY_FILE');
  });

  it('refuses TLS_KEY_FILE without TLS_CERT_FILE, naming TLS_CERT_FILE', () => {
    expectOneLineNaming(configError(() => loadOriginConfig({ TLS_KEY_FILE: '/k.pem' })), 'TLS_CERT_FILE');
  });

  it('accepts both TLS files together', () => {
    const c = loadOriginConfig({ TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' });
    expect(c.TLS_CERT_FILE).toBe('/c.pem');
    expect(c.TLS_KEY_FILE).toBe('/k.pem');
  });

  it('refuses an EDGE_SHARED_SECRET shorter than 32 characters without echoing it', () => {
    const err = configError(() => loadOriginConfig({ EDGE_SHARED_SECRET: 'x'.repeat(31) }));
    expectOneLineNaming(err, 'EDGE_SHARED_SECRET');
    expect(err.message).not.toContain('x'.repeat(31));
    expect(loadOriginConfig({ EDGE_SHARED_SECRET: 'x'.repeat(32) }).EDGE_SHARED_SECRET).toBe('x'.repeat(32));
  });

  describe('production', () => {
    it('accepts a complete production config', () => {
      const c = loadOriginConfig(PROD_OK);
      expect(c.NODE_ENV).toBe('production');
      expect(c.EDGE_SHARED_SECRET).toBe(SECRET);
    });

    it('requires MASTER_KEYS and refuses loopback webhooks in production', () => {
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, MASTER_KEYS: '' })), 'MASTER_KEYS');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, MASTER_KEYS: 'v1:short' })), 'MASTER_KEYS');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, WEBHOOK_ALLOW_LOOPBACK: 'true' })), 'WEBHOOK_ALLOW_LOOPBACK');
    });

    it('requires the identity secrets and real mail in production', () => {
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, PASSWORD_PEPPERS: undefined })), 'PASSWORD_PEPPERS');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, PASSWORD_PEPPERS: 'v1:short' })), 'PASSWORD_PEPPERS');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, AUTH_SECRET: 'short' })), 'AUTH_SECRET');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, SMTP_URL: undefined })), 'SMTP_URL');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, SMTP_URL: 'http://mail' })), 'SMTP_URL');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, BCRYPT_COST: '9' })), 'BCRYPT_COST');
      expect(loadOriginConfig(PROD_OK).BCRYPT_COST).toBe(11);
    });

    it('needs the purge target settings its PURGE_TARGET names', () => {
      expectOneLineNaming(configError(() => loadOriginConfig({ PURGE_TARGET: 'edge' })), 'EDGE_PURGE_URL');
      expectOneLineNaming(configError(() => loadOriginConfig({ PURGE_TARGET: 'fastly', FASTLY_API_TOKEN: 't'.repeat(32) })), 'FASTLY_SERVICE_ID');
      expectOneLineNaming(configError(() => loadOriginConfig({ PURGE_TARGET: 'fastly', FASTLY_SERVICE_ID: 'SU1Z0isxPaozGVKXdv0eY' })), 'FASTLY_API_TOKEN');
      expectOneLineNaming(configError(() => loadOriginConfig({ PURGE_TARGET: 'edge', EDGE_PURGE_URL: 'http://127.0.0.1:8788' })), 'EDGE_SHARED_SECRET');
      expect(loadOriginConfig({ PURGE_TARGET: 'edge', EDGE_PURGE_URL: 'http://127.0.0.1:8788', EDGE_SHARED_SECRET: SECRET }).PURGE_TARGET).toBe('edge');
    });

    it('refuses a production start without EDGE_SHARED_SECRET, naming it', () => {
      const err = configError(() => loadOriginConfig({ ...PROD_OK, EDGE_SHARED_SECRET: undefined }));
      expectOneLineNaming(err, 'EDGE_SHARED_SECRET');
    });

    it('refuses an empty EDGE_SHARED_SECRET in production (empty = unset)', () => {
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, EDGE_SHARED_SECRET: '' })), 'EDGE_SHARED_SECRET');
    });

    it('refuses a production start with an empty env, naming EDGE_SHARED_SECRET', () => {
      expectOneLineNaming(configError(() => loadOriginConfig({ NODE_ENV: 'production' })), 'EDGE_SHARED_SECRET');
    });

    it('requires DATABASE_URL (PGlite is for local use)', () => {
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, DATABASE_URL: undefined })), 'DATABASE_URL');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...PROD_OK, DATABASE_URL: '' })), 'DATABASE_URL');
    });

    it('requires TLS unless ALLOW_PLAIN_HTTP=true', () => {
      const noTls = { ...PROD_OK, TLS_CERT_FILE: undefined, TLS_KEY_FILE: undefined };
      expectOneLineNaming(configError(() => loadOriginConfig(noTls)), 'TLS_CERT_FILE');
      expectOneLineNaming(configError(() => loadOriginConfig({ ...noTls, ALLOW_PLAIN_HTTP: 'false' })), 'TLS_CERT_FILE');
      expect(loadOriginConfig({ ...noTls, ALLOW_PLAIN_HTTP: 'true' }).ALLOW_PLAIN_HTTP).toBe(true);
      expect(loadOriginConfig({ ...noTls, ALLOW_PLAIN_HTTP: '1' }).ALLOW_PLAIN_HTTP).toBe(true);
    });

    it('does not need production-only settings outside production', () => {
      expect(() => loadOriginConfig({ NODE_ENV: 'test' })).not.toThrow();
      expect(() => loadOriginConfig({ NODE_ENV: 'development' })).not.toThrow();
    });
  });
});

describe('edge config (edgeConfigSchema)', () => {
  const edge = (env: Env) => parseConfig(edgeConfigSchema, env, 'edge');

  it('requires edge_shared_secret, even with everything else empty', () => {
    const err = configError(() => edge({}));
    expectOneLineNaming(err, 'edge_shared_secret');
    expect(err.message.startsWith('edge config:')).toBe(true);
    expectOneLineNaming(configError(() => edge({ edge_shared_secret: '' })), 'edge_shared_secret');
  });

  it('refuses a short edge_shared_secret without echoing it', () => {
    const err = configError(() => edge({ edge_shared_secret: 'shortsecret' }));
    expectOneLineNaming(err, 'edge_shared_secret');
    expect(err.message).not.toContain('shortsecret');
  });

  it('has defaults once the secret is set', () => {
    const config = edge({ edge_shared_secret: SECRET });
    expect(config).toMatchObject({
      https_only: true,
      key_cache_ttl: 300,
      negative_key_cache_ttl: 30,
      origin_timeout_ms: 10_000,
      edge_shared_secret: SECRET,
    });
    expect(config.waf.max_url_length).toBe(2048);
    expect(config.rate_limits.enabled).toBe(true);
    expect(config.cors.any).toEqual([]);
  });

  it('refuses JSON settings that are not JSON or have unknown fields, naming the key', () => {
    expect(() => edge({ edge_shared_secret: SECRET, waf: '{not json' })).toThrow(/^edge config: waf /);
    expect(() => edge({ edge_shared_secret: SECRET, rate_limits: '{"bogus":1}' })).toThrow(/^edge config: rate_limits/);
    expect(() => edge({ edge_shared_secret: SECRET, cors: '{"any":["javascript:alert(1)"]}' })).toThrow(/^edge config: cors/);
    expect(edge({ edge_shared_secret: SECRET, cors: '{"any":["https://www.example.com"]}' }).cors.any).toEqual(['https://www.example.com']);
  });

  it('accepts key_cache_ttl within 1..3600', () => {
    expect(edge({ edge_shared_secret: SECRET, key_cache_ttl: '1' }).key_cache_ttl).toBe(1);
    expect(edge({ edge_shared_secret: SECRET, key_cache_ttl: '3600' }).key_cache_ttl).toBe(3600);
    expect(edge({ edge_shared_secret: SECRET, key_cache_ttl: '' }).key_cache_ttl).toBe(300);
  });

  it.each(['0', '3601', '-5', '1.5', 'soon'])('refuses key_cache_ttl=%s naming it', (value) => {
    expectOneLineNaming(configError(() => edge({ edge_shared_secret: SECRET, key_cache_ttl: value })), 'key_cache_ttl');
  });

  it('validates negative_key_cache_ttl and origin_timeout_ms ranges', () => {
    expect(edge({ edge_shared_secret: SECRET, negative_key_cache_ttl: '0' }).negative_key_cache_ttl).toBe(0);
    expectOneLineNaming(configError(() => edge({ edge_shared_secret: SECRET, negative_key_cache_ttl: '301' })), 'negative_key_cache_ttl');
    expectOneLineNaming(configError(() => edge({ edge_shared_secret: SECRET, origin_timeout_ms: '99' })), 'origin_timeout_ms');
    expectOneLineNaming(configError(() => edge({ edge_shared_secret: SECRET, origin_timeout_ms: '120001' })), 'origin_timeout_ms');
  });
});
