/**
 * The slice of a pino logger the identity libraries use. A pino `Logger` (origin/logger.ts) is
 * assignable to it; tests pass a recording stub. Nothing logged through it carries a password,
 * a password hash, a token or a secret.
 */
export interface IdentityLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}
