import { describe, expect, it } from 'vitest';
import { edgeObservabilityFromEnv } from './observability-env.js';

describe('Node edge LOG_LEVEL, EDGE_ACCESS_LOG and EDGE_METRICS_* from the environment', () => {
  it('defaults: info, 1 % of request lines, no metrics listener', () => {
    expect(edgeObservabilityFromEnv({})).toEqual({ logLevel: 'info', accessLog: 'sample:0.01' });
  });

  it('reads the settings (the origin’s pino names trace and fatal included), the listener on loopback unless told otherwise', () => {
    const token = 't'.repeat(40);
    expect(edgeObservabilityFromEnv({ LOG_LEVEL: 'warn', EDGE_ACCESS_LOG: 'off', EDGE_METRICS_PORT: '9464', EDGE_METRICS_TOKEN: token })).toEqual({
      logLevel: 'warn',
      accessLog: 'off',
      metricsListener: { port: 9464, host: '127.0.0.1', token },
    });
    expect(edgeObservabilityFromEnv({ LOG_LEVEL: 'trace' }).logLevel).toBe('debug');
    expect(edgeObservabilityFromEnv({ LOG_LEVEL: 'fatal' }).logLevel).toBe('error');
    expect(edgeObservabilityFromEnv({ EDGE_METRICS_PORT: '0' }).metricsListener).toBeUndefined();
    expect(edgeObservabilityFromEnv({ EDGE_METRICS_PORT: '9464', EDGE_METRICS_HOST: '10.0.0.5' }).metricsListener).toEqual({ port: 9464, host: '10.0.0.5' });
  });

  it('refuses bad values in one line naming each setting', () => {
    expect(() => edgeObservabilityFromEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => edgeObservabilityFromEnv({ EDGE_ACCESS_LOG: 'sample:3' })).toThrow(/EDGE_ACCESS_LOG/);
    expect(() => edgeObservabilityFromEnv({ EDGE_METRICS_PORT: '70000' })).toThrow(/EDGE_METRICS_PORT/);
    expect(() => edgeObservabilityFromEnv({ EDGE_METRICS_PORT: '9464', EDGE_METRICS_TOKEN: 'short' })).toThrow(/EDGE_METRICS_TOKEN/);
  });
});
