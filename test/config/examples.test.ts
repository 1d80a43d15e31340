// The shipped example dispatcher properties file loads cleanly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, readTextFileSync } from '../../src/config/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('examples/spark-defaults.conf gives a valid configuration with its queues and defaults', () => {
  const file = path.join(ROOT, 'examples/spark-defaults.conf');
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'examples-')), 'kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
  const argv = ['--master', 'mesos://mesos-master:5050', '--properties-file', file, '--kubeconfig', kubeconfig];
  const result = loadConfig(argv, { HOME: ROOT }, readTextFileSync);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  expect(result.config.dispatcher.queues.get('urgent')).toBe(10);
  expect(result.config.dispatcher.queues.get('batch')).toBe(-1);
  expect(result.config.dispatcher.driverDefaults).toMatchObject({ 'spark.driver.memory': '2g' });
  expect(result.config.ui.historyServerUrl).toBe('http://spark-history:18080');
  expect(result.config.mesos.role).toBe('spark');
});
