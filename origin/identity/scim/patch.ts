/**
 * SCIM PATCH (RFC 7644 section 3.5.2) with scim-patch: the operations are validated, applied to
 * the resource as ghee shows it, and the result goes through the same input rules as a PUT.
 * Tolerated: Entra ID's capitalised ops (`Replace`, `Add`, `Remove`), its filtered paths
 * (`emails[type eq "work"].value`), dotted keys in a path-less replace (`name.givenName`) and
 * string booleans (handled by the body rules). Refused (400): a path or value that would name
 * `__proto__`, `constructor` or `prototype`, more than 100 operations, anything scim-patch refuses.
 */
import { patchBodyValidation, scimPatch, ScimError as PatchLibError, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { z } from 'zod';
import { forbiddenPath, hasForbiddenKey, ScimError, SCHEMA } from './resources.js';

const operation = z
  .object({
    op: z.string().max(20),
    path: z.string().max(500).optional(),
    value: z.unknown().optional(),
  })
  .passthrough();

export const patchBody = z
  .object({
    schemas: z.array(z.string().max(200)).max(5),
    Operations: z.array(operation).min(1).max(100),
  })
  .passthrough();

/** Applies a PATCH body to `resource` (not mutated); the patched copy, or a 400 ScimError. */
export function applyPatch<T extends Record<string, unknown>>(resource: T, raw: unknown): T {
  const parsed = patchBody.safeParse(raw);
  if (!parsed.success || !parsed.data.schemas.includes(SCHEMA.patch)) {
    throw new ScimError(400, `A PATCH body is {"schemas":["${SCHEMA.patch}"],"Operations":[…]} with 1 to 100 operations.`, 'invalidSyntax');
  }
  const ops = parsed.data.Operations.map((o) => ({ ...o, op: o.op.toLowerCase() }));
  for (const o of ops) {
    if ((o.path !== undefined && forbiddenPath(o.path)) || hasForbiddenKey(o.value)) throw new ScimError(400, 'This operation names an attribute ghee does not have.', 'invalidPath');
  }
  const body = { schemas: parsed.data.schemas, Operations: ops } as unknown as Parameters<typeof patchBodyValidation>[0];
  try {
    patchBodyValidation(body);
    const withMeta = { ...resource, meta: (resource.meta ?? {}) as ScimResource['meta'], schemas: (resource.schemas ?? []) as string[] } as unknown as ScimResource;
    return scimPatch(withMeta, ops as unknown as ScimPatchOperation[], { mutateDocument: false, treatMissingAsAdd: true }) as unknown as T;
  } catch (err) {
    if (err instanceof PatchLibError) throw new ScimError(400, err.message.slice(0, 300) || 'The PATCH operation could not be applied.', err.scimCode === 'noTarget' ? 'noTarget' : 'invalidValue');
    // Pure work on the request's own data: whatever else fails here, the operations caused it.
    throw new ScimError(400, 'The PATCH operation could not be applied to this resource.', 'invalidValue');
  }
}
