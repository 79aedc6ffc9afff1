import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect, type SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOZILLA_INTERMEDIATE_CIPHERS } from '../../origin/server.js';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';
import { selfSignedCert } from '../helpers/tls.js';

let origin: OriginUnderTest;
let ca: string;

beforeAll(async () => {
  const { certFile, keyFile } = selfSignedCert();
  ca = readFileSync(certFile, 'utf8');
  origin = await startTestOrigin({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
});
afterAll(async () => origin?.stop());

function handshake(version: SecureVersion, extra: { ciphers?: string } = {}): Promise<{ protocol: string | null; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: origin.server.port, ca, servername: 'localhost', minVersion: version, maxVersion: version, ...extra }, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}

describe('origin over HTTPS', () => {
  it('serves HTTPS with HSTS', async () => {
    expect(origin.server.tls).toBe(true);
    expect(origin.server.url).toMatch(/^https:/);
    const res = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) => {
      request(`${origin.server.url}/healthz`, { ca }, (r) => {
        r.resume();
        resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined });
      })
        .once('error', reject)
        .end();
    });
    expect(res.status).toBe(200);
    expect(res.hsts).toBe('max-age=63072000; includeSubDomains; preload');
  });

  it('accepts TLS 1.3', async () => {
    expect((await handshake('TLSv1.3')).protocol).toBe('TLSv1.3');
  });

  it('accepts TLS 1.2 with a Mozilla intermediate cipher', async () => {
    const { protocol, cipher } = await handshake('TLSv1.2');
    expect(protocol).toBe('TLSv1.2');
    expect(MOZILLA_INTERMEDIATE_CIPHERS.split(':')).toContain(cipher);
  });

  it('refuses a TLS 1.1 client (the server answers protocol_version)', async () => {
    // SECLEVEL=0 lets this client offer TLS 1.1 at all; the refusal must come from the server.
    const err = await handshake('TLSv1.1', { ciphers: 'DEFAULT@SECLEVEL=0' }).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err).not.toBeNull();
    expect(`${err?.code} ${err?.message}`).toMatch(/ALERT_PROTOCOL_VERSION|protocol version/i);
  });

  it('refuses a TLS 1.2 client offering only a weak (CBC / non-ECDHE) cipher', async () => {
    const err = await handshake('TLSv1.2', { ciphers: 'AES128-SHA' }).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err).not.toBeNull();
  });
});
