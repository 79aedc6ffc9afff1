/**
 * Requests node:http's parser refuses (a head over its size limit) are answered in the error
 * shape of the API asked — SCIM's for /scim/v2 — also when the head arrives in several reads, so
 * the chunk the parser fails on is the middle of the URL (found by the fuzz suite under load).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrigin, type OriginUnderTest } from '../helpers/stack.js';

let origin: OriginUnderTest;
beforeAll(async () => {
  origin = await startTestOrigin();
});
afterAll(async () => origin?.stop());

/** Sends `requests` on one connection, each in `chunks` writes a few ms apart; the raw answer once the server closes. */
async function raw(requests: string[], chunks: number): Promise<string> {
  const { port } = new URL(origin.server.url);
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), '127.0.0.1', async () => {
      for (const request of requests) {
        const size = Math.ceil(request.length / chunks);
        for (let i = 0; i < request.length && !socket.destroyed; i += size) {
          socket.write(request.slice(i, i + size));
          await new Promise((r) => setTimeout(r, 10));
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (answer += d));
    socket.on('close', () => resolve(answer));
    socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
  });
}

/** Sends each piece in one write, 30 ms apart, on one connection; the raw answer once the server closes. */
const writes = (pieces: string[]) => raw(pieces, 1);

const oversized = (path: string) => `GET ${path}/${'x'.repeat(70_000)} HTTP/1.1\r\nhost: origin.test\r\n\r\n`;
const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const typeOf = (answer: string) => /\r\ncontent-type: ([^\r]+)/i.exec(answer)?.[1] ?? '';

describe('parser refusals', () => {
  for (const chunks of [1, 8]) {
    it(`an oversized SCIM request in ${chunks} write(s) → 431 in SCIM's error shape`, async () => {
      const answer = await raw([oversized('/scim/v2/Users')], chunks);
      expect(statusOf(answer)).toBe(431);
      expect(typeOf(answer)).toMatch(/^application\/scim\+json/);
      expect(answer).toContain('urn:ietf:params:scim:api:messages:2.0:Error');
    });

    it(`an oversized Content API request in ${chunks} write(s) → 431 in ghee's error shape`, async () => {
      const answer = await raw([oversized('/v2/pages/*')], chunks);
      expect(statusOf(answer)).toBe(431);
      expect(typeOf(answer)).toMatch(/^application\/json/);
      expect(answer).toContain('"code":"headers_too_large"');
    });
  }

  it('on a kept-alive connection, the refused request is the one whose shape is chosen (not the one before it)', async () => {
    const scimFirst = await raw([`GET /scim/v2/Users HTTP/1.1\r\nhost: origin.test\r\n\r\n`, oversized('/v2/pages/*')], 8);
    expect(scimFirst.match(/HTTP\/1\.1 \d{3}/g)?.map((l) => Number(l.slice(9)))).toEqual([401, 431]);
    expect(scimFirst.slice(scimFirst.lastIndexOf('HTTP/1.1'))).toContain('"code":"headers_too_large"');

    const ghee = await raw([`GET /v2/pages/*/home/ HTTP/1.1\r\nhost: origin.test\r\n\r\n`, oversized('/scim/v2/Groups')], 8);
    expect(ghee.slice(ghee.lastIndexOf('HTTP/1.1'))).toContain('urn:ietf:params:scim:api:messages:2.0:Error');
  });

  it("after a request whose body came in reads of its own, the next request's line decides the shape (not the body)", async () => {
    // node:http clients write a head, then its body: the body's read began no request. Found by the fuzz suite (#4383).
    const body = JSON.stringify({ title: 'x'.repeat(200) });
    const withBody = `POST /v2/pages HTTP/1.1\r\nhost: origin.test\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const answer = await raw([withBody, oversized('/scim/v2/ResourceTypes')], 4);
    expect(answer.match(/HTTP\/1\.1 \d{3}/g)?.map((l) => Number(l.slice(9)))).toEqual([401, 431]);
    const last = answer.slice(answer.lastIndexOf('HTTP/1.1'));
    expect(typeOf(last)).toMatch(/^application\/scim\+json/);
    expect(last).toContain('urn:ietf:params:scim:api:messages:2.0:Error');
  });

  // Class: reading the refused request's line from the wrong read — a read that holds the end of
  // one request and the start of the next (a busy server reads what the client sent meanwhile at once).
  it("a read holding a request's body and the next request's start: the next request's line decides the shape", async () => {
    const body = JSON.stringify({ title: 'x'.repeat(200) });
    const head = `POST /v2/pages HTTP/1.1\r\nhost: origin.test\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const answer = await writes([head, body + oversized('/scim/v2/Users')]);
    const last = answer.slice(answer.lastIndexOf('HTTP/1.1'));
    expect(statusOf(last)).toBe(431);
    expect(typeOf(last)).toMatch(/^application\/scim\+json/);

    const ghee = await writes([`POST /scim/v2/Users HTTP/1.1\r\nhost: origin.test\r\ncontent-type: application/scim+json\r\ncontent-length: ${body.length}\r\n\r\n`, body + oversized('/v2/pages/*')]);
    const lastGhee = ghee.slice(ghee.lastIndexOf('HTTP/1.1'));
    expect(statusOf(lastGhee)).toBe(431);
    expect(lastGhee).toContain('"code":"headers_too_large"');
  });

  it("one read holding a whole request and the next request's start (pipelined): the next request's line decides the shape", async () => {
    const answer = await writes([`GET /v2/pages/*/home/ HTTP/1.1\r\nhost: origin.test\r\n\r\n${oversized('/scim/v2/Groups')}`]);
    const last = answer.slice(answer.lastIndexOf('HTTP/1.1'));
    expect(statusOf(last)).toBe(431);
    expect(typeOf(last)).toMatch(/^application\/scim\+json/);

    const ghee = await writes([`GET /scim/v2/Users HTTP/1.1\r\nhost: origin.test\r\n\r\n${oversized('/v2/pages/*')}`]);
    const lastGhee = ghee.slice(ghee.lastIndexOf('HTTP/1.1'));
    expect(statusOf(lastGhee)).toBe(431);
    expect(lastGhee).toContain('"code":"headers_too_large"');
  });
});
