/**
 * A local PagerDuty Events API v2 stand-in: `POST /v2/enqueue` validated as PagerDuty documents
 * it — routing_key (32 characters when `routingKey` is not given, else exactly it),
 * event_action trigger|acknowledge|resolve, dedup_key ≤ 255 characters (required to
 * acknowledge or resolve), and for a trigger a payload with summary (1..1024 characters), source,
 * severity critical|error|warning|info, an ISO 8601 timestamp if given, component/group/class
 * strings and custom_details an object if given. Valid events answer 202 and fold by dedup_key
 * into "incidents" (triggered → resolved); invalid ones 400 with the errors. `down = true` makes
 * it answer 503 (the receiver is down), `dropConnections = true` closes the socket instead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PdEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface PdIncident {
  dedupKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  triggers: number;
  summary: string;
}

const SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);
const ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);

/** The Events v2 rules; an empty list when the event is valid. */
export function validateEvent(body: unknown, routingKey?: string): string[] {
  const errors: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body must be a JSON object'];
  const e = body as Record<string, unknown>;
  if (typeof e.routing_key !== 'string' || (routingKey !== undefined ? e.routing_key !== routingKey : e.routing_key.length !== 32)) errors.push('routing_key is invalid');
  if (typeof e.event_action !== 'string' || !ACTIONS.has(e.event_action)) errors.push('event_action must be trigger, acknowledge or resolve');
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length === 0 || e.dedup_key.length > 255)) errors.push('dedup_key must be 1..255 characters');
  if ((e.event_action === 'acknowledge' || e.event_action === 'resolve') && typeof e.dedup_key !== 'string') errors.push('dedup_key is required to acknowledge or resolve');
  if (e.event_action === 'trigger') {
    const p = e.payload as Record<string, unknown> | undefined;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) errors.push('payload is required');
    else {
      if (typeof p.summary !== 'string' || p.summary.length === 0 || p.summary.length > 1024) errors.push('payload.summary must be 1..1024 characters');
      if (typeof p.source !== 'string' || p.source.length === 0) errors.push('payload.source is required');
      if (typeof p.severity !== 'string' || !SEVERITIES.has(p.severity)) errors.push('payload.severity must be critical, error, warning or info');
      if (p.timestamp !== undefined && (typeof p.timestamp !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(p.timestamp) || Number.isNaN(Date.parse(p.timestamp)))) errors.push('payload.timestamp must be ISO 8601');
      for (const f of ['component', 'group', 'class'] as const) if (p[f] !== undefined && typeof p[f] !== 'string') errors.push(`payload.${f} must be a string`);
      if (p.custom_details !== undefined && (typeof p.custom_details !== 'object' || p.custom_details === null)) errors.push('payload.custom_details must be an object');
    }
  }
  return errors;
}

export class PagerDutyStandIn {
  readonly accepted: PdEvent[] = [];
  readonly rejected: { body: string; errors: string[] }[] = [];
  readonly incidents = new Map<string, PdIncident>();
  /** Every request body as received (for secret greps). */
  readonly raw: string[] = [];
  down = false;
  dropConnections = false;
  #server: Server | null = null;
  url = '';

  constructor(readonly routingKey?: string) {}

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        this.raw.push(text);
        if (this.dropConnections) {
          req.socket.destroy();
          return;
        }
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (this.down) return reply(503, { status: 'unavailable' });
        if (req.method !== 'POST' || req.url !== '/v2/enqueue') return reply(404, { status: 'not found' });
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          this.rejected.push({ body: text, errors: ['invalid JSON'] });
          return reply(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['invalid JSON'] });
        }
        const errors = validateEvent(body, this.routingKey);
        if (errors.length > 0) {
          this.rejected.push({ body: text, errors });
          return reply(400, { status: 'invalid event', message: 'Event object is invalid', errors });
        }
        const e = body as PdEvent;
        this.accepted.push(e);
        const key = e.dedup_key ?? `generated-${this.accepted.length}`;
        const current = this.incidents.get(key);
        if (e.event_action === 'trigger') {
          // A trigger on an open incident folds into it; on a resolved one (or none) it opens a new one.
          if (current && current.status !== 'resolved') current.triggers++;
          else this.incidents.set(key, { dedupKey: key, status: 'triggered', triggers: 1, summary: String(e.payload?.summary) });
        } else if (current && current.status !== 'resolved') {
          current.status = e.event_action === 'resolve' ? 'resolved' : 'acknowledged';
        }
        return reply(202, { status: 'success', message: 'Event processed', dedup_key: key });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
