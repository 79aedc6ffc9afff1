import { describe, expect, it } from 'vitest';
import { AfterResponseQueue } from './after-response.js';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, error: (obj: object, msg: string) => void lines.push(`${msg} ${JSON.stringify(obj)}`) };
}

describe('AfterResponseQueue', () => {
  it('runs tasks after the current turn, in order, one at a time', async () => {
    const q = new AfterResponseQueue();
    const log = recordingLogger();
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    for (const name of ['a', 'b', 'c']) {
      q.enqueue(log, name, async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5));
        order.push(name);
        running--;
      });
    }
    // Nothing ran synchronously: the caller answers first.
    expect(order).toEqual([]);
    expect(q.size).toBe(3);
    await q.idle();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(maxRunning).toBe(1);
    expect(q.size).toBe(0);
  });

  it('logs a failing task by label and error kind only (never its text, which may hold an email), and goes on', async () => {
    const q = new AfterResponseQueue();
    const log = recordingLogger();
    const ran: string[] = [];
    q.enqueue(log, 'password.reset_requested', async () => {
      throw Object.assign(new Error('duplicate key: victim@example.com'), { code: '23505' });
    });
    q.enqueue(log, 'next', async () => {
      ran.push('next');
    });
    await q.idle();
    expect(ran).toEqual(['next']);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toContain('password.reset_requested');
    expect(log.lines[0]).toContain('23505');
    expect(log.lines[0]).not.toContain('victim');
  });

  it('drops and logs tasks beyond its bound', async () => {
    const q = new AfterResponseQueue(2);
    const log = recordingLogger();
    let ran = 0;
    const task = async () => {
      ran++;
    };
    expect(q.enqueue(log, 't', task)).toBe(true);
    expect(q.enqueue(log, 't', task)).toBe(true);
    expect(q.enqueue(log, 't', task)).toBe(false);
    await q.idle();
    expect(ran).toBe(2);
    expect(log.lines.some((l) => l.includes('queue full'))).toBe(true);
  });
});
