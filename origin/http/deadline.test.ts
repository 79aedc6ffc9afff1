import type { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_STATUS, errorBody } from '../../shared/errors.js';
import type { OriginEnv } from '../env.js';
import { DeadlineError, markArrival, requestDeadline, withinDeadline } from './deadline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function app(ms: number) {
  const ran: string[] = [];
  const a = new Hono<OriginEnv>();
  a.use('*', requestDeadline(ms));
  a.get('/fast', (c) => c.text('ok'));
  a.get('/slow', async (c) => {
    ran.push('slow');
    await sleep(ms * 4);
    return c.text('late');
  });
  a.get('/fails-late', async () => {
    await sleep(ms * 2);
    throw new Error('the database answered too late');
  });
  a.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.detail, 'r1'), ERROR_STATUS[err.code] as 503, err.headers);
    return c.json({ detail: 'internal' }, 500);
  });
  return { a, ran };
}

describe('request deadline', () => {
  it('answers 503 + Retry-After in the error shape once the deadline passes, and leaves quick requests alone', async () => {
    const { a } = app(100);
    const started = performance.now();
    const slow = await a.request('/slow');
    const took = performance.now() - started;
    expect(slow.status).toBe(503);
    expect(slow.headers.get('retry-after')).toBe('5');
    expect(await slow.json()).toEqual({ code: 'unavailable', detail: 'The request did not complete in time; retry shortly.', request_id: 'r1' });
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(350);
    expect((await a.request('/fast')).status).toBe(200);
  });

  it('a handler that fails after the deadline changes nothing and leaves no unhandled rejection', async () => {
    const { a } = app(50);
    expect((await a.request('/fails-late')).status).toBe(503);
    await sleep(150); // the handler's late failure happens here; vitest fails the run on an unhandled rejection
  });

  it('counts from the arrival the read path noted: a request whose time is already spent is answered at once', async () => {
    const { a, ran } = app(100);
    const incoming = {} as IncomingMessage;
    markArrival(incoming, performance.now() - 150);
    const res = await a.request('/slow', {}, { incoming });
    expect(res.status).toBe(503);
    expect(ran).toEqual([]);
    // Partly spent: only what is left.
    const partly = {} as IncomingMessage;
    markArrival(partly, performance.now() - 60);
    const started = performance.now();
    expect((await a.request('/slow', {}, { incoming: partly })).status).toBe(503);
    expect(performance.now() - started).toBeLessThan(90);
  });

  it('withinDeadline resolves with the work, or rejects with DeadlineError', async () => {
    await expect(withinDeadline(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withinDeadline(sleep(200), 20)).rejects.toBeInstanceOf(DeadlineError);
    await expect(withinDeadline(Promise.reject(new Error('x')), 50)).rejects.toThrow('x');
  });
});
