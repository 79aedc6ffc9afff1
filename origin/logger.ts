import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * JSON logs. Anything that can carry a credential is redacted by path, and request URLs are
 * logged through shared/redact.ts so `auth_token` never reaches a log line.
 */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'auth_token',
  'secret',
  'apiKey',
  'api_key',
  'key',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.auth_token',
  '*.secret',
  '*.apiKey',
  '*.api_key',
  '*.key',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-ghee-sig"]',
  'req.headers["x-ghee-assert-sig"]',
  '*.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ghee-origin' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
