// Scraping for the metrics tests: /metrics fetched over real HTTP from the metrics server on a
// free loopback port, and parsed with the strict text-format parser.
import type { Registry } from 'prom-client';
import type { HealthSource } from '../../src/metrics/health.ts';
import { startMetricsServer } from '../../src/metrics/server.ts';
import { parsePrometheusText, type Family } from '../support/prometheus-text.ts';

export const healthy: HealthSource = {
  cachesSynced: () => true, leader: () => true, mesosSubscribed: () => true, shuttingDown: () => false,
};

/** One scrape of `registry` through a metrics server started for it. */
export async function scrape(registry: Registry): Promise<Map<string, Family>> {
  const server = await startMetricsServer({ registry, health: healthy, host: '127.0.0.1', port: 0, eventLoopDelayMs: () => 0 });
  try {
    const res = await fetch(`${server.url}/metrics`);
    if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parsePrometheusText(await res.text());
  } finally {
    await server.close();
  }
}
