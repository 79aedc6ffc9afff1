import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../db/schema/index.js';
import { CLASSIFICATION, DATA_CLASSES, classOfColumn, classOfTable, columnsOfClass, logRedactionPaths, sensitiveFieldNames, tablesOfClass } from './classification.js';

/** Every table of the Drizzle schema (origin/db/schema/*) with its columns' database names. */
function schemaTables(): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const value of Object.values(schema)) {
    if (!(value instanceof PgTable)) continue;
    const config = getTableConfig(value);
    tables.set(config.name, config.columns.map((c) => c.name));
  }
  return tables;
}

const EDIT_HERE = 'classify it in origin/governance/classification.ts (CLASSIFICATION)';

describe('data classification', () => {
  it('classifies every table and every column of the Drizzle schema', () => {
    const tables = schemaTables();
    expect(tables.size).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const [table, columns] of tables) {
      if (!classOfTable(table)) {
        missing.push(`table ${table} (all of it)`);
        continue;
      }
      for (const column of columns) if (!classOfColumn(table, column)) missing.push(`${table}.${column}`);
    }
    expect(missing, `unclassified — ${EDIT_HERE}: ${missing.join(', ')}`).toEqual([]);
  });

  it('names no table or column that does not exist', () => {
    const tables = schemaTables();
    const stale: string[] = [];
    for (const [table, t] of Object.entries(CLASSIFICATION)) {
      const columns = tables.get(table);
      if (!columns) {
        stale.push(`table ${table}`);
        continue;
      }
      for (const column of Object.keys(t.columns)) if (!columns.includes(column)) stale.push(`${table}.${column}`);
    }
    expect(stale, `not in the schema — remove or rename in origin/governance/classification.ts: ${stale.join(', ')}`).toEqual([]);
  });

  it('uses only the known classes', () => {
    for (const t of Object.values(CLASSIFICATION)) {
      expect(DATA_CLASSES).toContain(t.table);
      for (const c of Object.values(t.columns)) expect(DATA_CLASSES).toContain(c);
    }
  });

  it('classifies the personal data and secrets the product promises to protect', () => {
    expect(classOfColumn('users', 'password_hash')).toBe('secret');
    expect(classOfColumn('webhooks', 'secret_encrypted')).toBe('secret');
    expect(classOfColumn('sessions', 'token_hash')).toBe('secret');
    expect(classOfColumn('sessions', 'ip_enc')).toBe('personal_data');
    expect(classOfColumn('security_events', 'actor_ip_enc')).toBe('personal_data');
    expect(classOfColumn('invitations', 'email_enc')).toBe('personal_data');
    expect(classOfColumn('users', 'email_bidx')).toBe('personal_data');
    expect(classOfColumn('pages', 'published')).toBe('public_content');
    expect(classOfColumn('users', 'nope')).toBeUndefined();
    expect(classOfColumn('__proto__', 'x')).toBeUndefined();
    expect(classOfTable('constructor')).toBeUndefined();
    const personal = columnsOfClass('personal_data');
    expect(personal).toContainEqual({ table: 'users', column: 'name_enc' });
    expect(personal.every((c) => classOfColumn(c.table, c.column) === 'personal_data')).toBe(true);
    expect(tablesOfClass('security_record')).toContain('audit_events');
  });

  it('gives the log redactor the sensitive field names, not ordinary ones', () => {
    const names = sensitiveFieldNames();
    expect(names).toEqual(expect.arrayContaining(['password_hash', 'passwordHash', 'token_hash', 'tokenHash', 'secret_enc', 'secretEnc', 'ip', 'ip_enc', 'user_agent_enc', 'userAgentEnc', 'email_enc', 'emailEnc']));
    // `name` is also an organization's or a page's name; `id` is bookkeeping.
    expect(names).not.toContain('name');
    expect(names).not.toContain('id');
    // The names log lines carry come from the columns' logFields (log-redaction.test.ts).
    const paths = logRedactionPaths();
    expect(paths).toEqual(expect.arrayContaining(['email', '*.email', 'mail.to', 'ip', '*.ip', 'user_agent', 'userAgent', 'token', 'password', 'secret', 'name']));
    expect(paths).not.toContain('client_ip');
  });
});
