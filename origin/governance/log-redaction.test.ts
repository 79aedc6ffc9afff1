/**
 * The data classification drives the log redactor (issue 16): the origin's logger (origin/main.ts
 * `originLogger`) redacts every personal-data and secret column under the names log lines carry
 * (`email`, `mail.to`, `ip`, `user_agent`, `token` …), in real pino output; a column added to the
 * classification with its log fields is redacted with no change to origin/logger.ts; the access
 * log's `client_ip` stays (documented in classification.ts); a log field on a non-sensitive column
 * or one pino cannot parse is refused when the paths are derived.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { originLogger } from '../main.js';
import { CLASSIFICATION, logRedactionPaths, type TableClassification } from './classification.js';

class Lines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(l) as Record<string, unknown>);
    done();
  }
}

const R = '[REDACTED]';

describe('log redaction from the data classification', () => {
  it('redacts personal data and secrets under the names log lines carry, at the top level and one level down', () => {
    const sink = new Lines();
    const logger = originLogger('info', sink);
    const member = { email: 'bob@example.com', name: 'Bob Example', role: 'viewer' };
    logger.info(
      {
        email: 'ada@example.com',
        ip: '203.0.113.7',
        user_agent: 'Mozilla/5.0 (X11)',
        userAgent: 'curl/8',
        token: 'tok',
        account: 'ada@example.com',
        mail: { to: 'ada@example.com', subject: 'Welcome' },
        member,
        operator: { operator_email: 'ops@example.com' },
        client_ip: '198.51.100.1',
        status: 200,
      },
      'request',
    );
    const [line] = sink.lines;
    expect(line).toMatchObject({
      email: R,
      ip: R,
      user_agent: R,
      userAgent: R,
      token: R,
      account: R,
      mail: { to: R, subject: 'Welcome' },
      member: { email: R, name: R, role: 'viewer' },
      operator: { operator_email: R },
      status: 200,
      msg: 'request',
    });
    // The access log's client address is kept on purpose (classification.ts says why).
    expect(line!.client_ip).toBe('198.51.100.1');
    expect(JSON.stringify(sink.lines)).not.toMatch(/ada@|bob@|ops@|203\.0\.113\.7|Mozilla|curl/);
    // The caller's objects are left as they were (the line is a redacted copy).
    expect(member).toEqual({ email: 'bob@example.com', name: 'Bob Example', role: 'viewer' });
    // Child loggers redact the same way.
    logger.child({ job: 'mail' }).warn({ mail: { to: 'carol@example.com' }, ip: '192.0.2.1' }, 'child');
    expect(sink.lines[1]).toMatchObject({ job: 'mail', mail: { to: R }, ip: R });
  });

  it('keeps the logger baseline (credentials, statement parameters) in the origin logger', () => {
    const sink = new Lines();
    originLogger('info', sink).warn({ authorization: 'Bearer x', params: ['v'], headers: { cookie: 'c=1' } }, 'x');
    expect(sink.lines[0]).toMatchObject({ authorization: R, params: R, headers: { cookie: R } });
  });

  it('redacts a newly classified personal column by its log field, with no change to the logger', () => {
    const extended: Record<string, TableClassification> = {
      ...CLASSIFICATION,
      phone_numbers: { table: 'personal_data', columns: { id: 'operational', number_enc: 'personal_data', label: 'customer_content' }, logFields: { number_enc: ['phone', 'sms.to'] } },
    };
    const paths = logRedactionPaths(extended);
    expect(paths).toEqual(expect.arrayContaining(['phone', '*.phone', 'sms.to', 'number_enc', 'numberEnc']));
    const line = { phone: '+44 20 7946 0958', sms: { to: '+44 20 7946 0958', template: 'otp' }, contact: { phone: '+44 20 7946 0958' }, label: 'home' };
    const before = new Lines();
    createLogger('info', before, { redactPaths: logRedactionPaths() }).info(line, 'sms');
    expect(before.lines[0]).toMatchObject({ phone: '+44 20 7946 0958' });
    const after = new Lines();
    createLogger('info', after, { redactPaths: paths }).info(line, 'sms');
    expect(after.lines[0]).toMatchObject({ phone: R, sms: { to: R, template: 'otp' }, contact: { phone: R }, label: 'home' });
  });

  it('refuses a log field on a column that is not personal or secret, and one pino could not parse', () => {
    const onContent = { ...CLASSIFICATION, notes: { table: 'customer_content', columns: { body: 'customer_content' }, logFields: { body: ['body'] } } } satisfies Record<string, TableClassification>;
    expect(() => logRedactionPaths(onContent)).toThrow(/notes.logFields names body/);
    const unknownColumn = { ...CLASSIFICATION, notes: { table: 'personal_data', columns: { owner_enc: 'personal_data' }, logFields: { nope: ['owner'] } } } satisfies Record<string, TableClassification>;
    expect(() => logRedactionPaths(unknownColumn)).toThrow(/names nope/);
    const badPath = { ...CLASSIFICATION, notes: { table: 'personal_data', columns: { owner_enc: 'personal_data' }, logFields: { owner_enc: ['owner["x"]'] } } } satisfies Record<string, TableClassification>;
    expect(() => logRedactionPaths(badPath)).toThrow(/not a field name/);
  });
});
