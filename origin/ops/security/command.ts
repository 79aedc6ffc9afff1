/**
 * `npm run incident -- <command>` (origin/cli/incident.ts):
 *
 *   open     --title T --severity info|low|medium|high|critical [--org ORG]… [--message M]
 *   update   <id> --message M [--status investigating|identified|monitoring] [--org ORG]…
 *   resolve  <id> --summary S
 *   notify   <id> --template preliminary|update|resolution [--message M]
 *   list     [--org ORG] [--json]
 *
 * ORG is an organization id or slug. Every invocation — refused, failed or bad usage included —
 * writes one audit row on the global chain (`incident.<command>`) with the operator
 * (SUDO_USER, GHEE_OPERATOR or the login name), the host, the full command line with secrets
 * redacted, and the exit status. Exit status: 0 done; 1 refused or failed; 2 bad usage.
 */
import { personalDataFromConfig, type PersonalData } from '../../crypto/personal-data.js';
import { hostname, userInfo } from 'node:os';
import { audit } from '../../audit/index.js';
import type { Db } from '../../db/client.js';
import { SECURITY_SEVERITIES, type SecuritySeverity } from '../../db/schema/index.js';
import { maskSecrets } from '../../logger.js';
import { findIncident, isIncidentStatus, listIncidents, notifyIncident, NOTIFY_TEMPLATES, openIncident, resolveIncident, resolveOrganizations, updateIncident, type Incident, type NotifyTemplate } from './incidents.js';

export const INCIDENT_USAGE = `usage: npm run incident -- <command>
  open     --title T --severity ${SECURITY_SEVERITIES.join('|')} [--org ORG]... [--message M]
  update   <id> --message M [--status investigating|identified|monitoring] [--org ORG]...
  resolve  <id> --summary S
  notify   <id> --template ${NOTIFY_TEMPLATES.join('|')} [--message M]
  list     [--org ORG] [--json]
`;

export interface IncidentIo {
  out(text: string): void;
  err(text: string): void;
}

export interface IncidentDeps {
  /** The database, and the keys of its personal data (unset: the development key, as the origin without MASTER_KEYS). */
  openDb: () => Promise<{ db: Db; close(): Promise<void>; personalData?: PersonalData }>;
  env: Record<string, string | undefined>;
}

const SECRET_FLAG = /^--?[\w-]*(token|secret|password|passwd|key)[\w-]*$/i;

/** The command line as audited: values of secret-named flags and secret-shaped text replaced. */
export function redactCommandLine(argv: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    if (eq > 0 && SECRET_FLAG.test(a.slice(0, eq))) out.push(`${a.slice(0, eq)}=[REDACTED]`);
    else if (SECRET_FLAG.test(a) && i + 1 < argv.length) {
      out.push(a, '[REDACTED]');
      i++;
    } else out.push(maskSecrets(a));
  }
  return ['npm', 'run', 'incident', '--', ...out].map((p) => (/^[\w./:=@[\]-]+$/.test(p) ? p : JSON.stringify(p))).join(' ');
}

function operatorOf(env: Record<string, string | undefined>): string {
  // eslint-disable-next-line no-control-regex
  return (env.SUDO_USER ?? env.GHEE_OPERATOR ?? userInfo().username).replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 100);
}

interface Parsed {
  command: string;
  id: string | undefined;
  flags: Map<string, string[]>;
  json: boolean;
}

const VALUE_FLAGS = new Set(['--title', '--severity', '--org', '--message', '--status', '--summary', '--template']);

function parse(argv: readonly string[]): Parsed | { error: string } {
  const [command, ...rest] = argv;
  if (!command) return { error: 'a command is required' };
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--json') json = true;
    else if (VALUE_FLAGS.has(a)) {
      const v = rest[i + 1];
      if (v === undefined) return { error: `${a} needs a value` };
      flags.set(a, [...(flags.get(a) ?? []), v]);
      i++;
    } else if (a.startsWith('--')) return { error: `unknown option ${a}` };
    else positionals.push(a);
  }
  if (positionals.length > 1) return { error: `unexpected argument ${positionals[1]}` };
  return { command, id: positionals[0], flags, json };
}

function one(p: Parsed, flag: string): string | undefined {
  return p.flags.get(flag)?.at(-1);
}

function describe(i: Incident): string {
  return `${i.id}  ${i.status.padEnd(13)} ${i.severity.padEnd(8)} ${i.createdAt.toISOString()}  ${i.title}  (${i.organizationIds.length} organization(s))\n`;
}

/** Runs one command; returns the exit status. The audit row is written whatever the outcome. */
export async function runIncidentCommand(argv: string[], io: IncidentIo, deps: IncidentDeps): Promise<number> {
  const { db, close, personalData } = await deps.openDb();
  const pd = personalData ?? personalDataFromConfig(undefined);
  const by = operatorOf(deps.env);
  let code = 0;
  let incidentId: string | null = null;
  let outcome = 'ok';
  const fail = (c: number, msg: string) => {
    code = c;
    outcome = msg;
    io.err(`incident: ${msg}\n`);
    if (c === 2) io.err(INCIDENT_USAGE);
  };
  try {
    const p = parse(argv);
    if ('error' in p) fail(2, p.error);
    else {
      const orgs = async (): Promise<string[] | null> => {
        const r = await resolveOrganizations(db, p.flags.get('--org') ?? []);
        if (!r.ok) {
          fail(1, r.detail);
          return null;
        }
        return r.value;
      };
      switch (p.command) {
        case 'open': {
          const title = one(p, '--title');
          const severity = one(p, '--severity');
          if (!title || !severity) fail(2, 'open needs --title and --severity');
          else if (!(SECURITY_SEVERITIES as readonly string[]).includes(severity)) fail(2, `--severity must be one of ${SECURITY_SEVERITIES.join(', ')}`);
          else {
            const organizationIds = await orgs();
            if (organizationIds) {
              const r = await openIncident(db, { title, severity: severity as SecuritySeverity, organizationIds, message: one(p, '--message') ?? '', by });
              if (!r.ok) fail(1, r.detail);
              else {
                incidentId = r.value.id;
                io.out(describe(r.value));
              }
            }
          }
          break;
        }
        case 'update': {
          const message = one(p, '--message');
          const status = one(p, '--status');
          if (!p.id || !message) fail(2, 'update needs <id> and --message');
          else if (status !== undefined && !isIncidentStatus(status)) fail(2, '--status must be investigating, identified or monitoring');
          else {
            incidentId = p.id;
            const organizationIds = p.flags.has('--org') ? await orgs() : undefined;
            if (organizationIds !== null) {
              const r = await updateIncident(db, p.id, { message, by, ...(status ? { status: status as Exclude<Incident['status'], never> } : {}), ...(organizationIds ? { organizationIds } : {}) });
              if (!r.ok) fail(1, r.detail);
              else io.out(describe(r.value));
            }
          }
          break;
        }
        case 'resolve': {
          const summary = one(p, '--summary');
          if (!p.id || !summary) fail(2, 'resolve needs <id> and --summary');
          else {
            incidentId = p.id;
            const r = await resolveIncident(db, p.id, { summary, by });
            if (!r.ok) fail(1, r.detail);
            else io.out(describe(r.value));
          }
          break;
        }
        case 'notify': {
          const template = one(p, '--template');
          if (!p.id || !template) fail(2, 'notify needs <id> and --template');
          else if (!(NOTIFY_TEMPLATES as readonly string[]).includes(template)) fail(2, `--template must be one of ${NOTIFY_TEMPLATES.join(', ')}`);
          else {
            incidentId = p.id;
            const r = await notifyIncident(db, p.id, { template: template as NotifyTemplate, message: one(p, '--message') ?? '', by, personalData: pd });
            if (!r.ok) fail(1, r.detail);
            else for (const o of r.value.organizations) io.out(`notified ${o.organizationId}: ${o.recipients} recipient(s)\n`);
          }
          break;
        }
        case 'list': {
          const ref = one(p, '--org');
          const organizationIds = ref ? await orgs() : [];
          if (organizationIds) {
            const rows = await listIncidents(db, organizationIds[0] ? { organizationId: organizationIds[0] } : {});
            if (p.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
            else for (const i of rows) io.out(describe(i));
          }
          break;
        }
        case 'help':
          io.out(INCIDENT_USAGE);
          break;
        default:
          fail(2, `unknown command ${p.command.slice(0, 40)}`);
      }
      if (incidentId !== null && !(await findIncident(db, incidentId))) incidentId = null;
    }
  } catch (err) {
    fail(1, `failed: ${maskSecrets(err instanceof Error ? (err.message.split('\n')[0] ?? '') : 'error').slice(0, 300)}`);
  }
  try {
    const command = typeof argv[0] === 'string' && /^[a-z]{1,20}$/.test(argv[0]) ? argv[0] : 'unknown';
    await audit(db, {}, {
      action: `incident.${command}`,
      result: code === 0 ? 'success' : 'failure',
      targetType: 'incident',
      targetId: incidentId,
      metadata: { via: 'operator', operator: by, host: hostname(), command_line: redactCommandLine(argv), exit_status: code, outcome: outcome.slice(0, 300) },
    });
  } catch (err) {
    io.err(`incident: the audit row was not written (${err instanceof Error ? err.message.split('\n')[0] : 'database error'})\n`);
    code = code || 1;
  } finally {
    await close();
  }
  return code;
}
