// The generated CRD on the API emulator with the real kubectl: the example applies; what is
// wrong is refused at apply time with the field named, the template by SparkDriver's own schema
// and rules; a template can be edited where a SparkDriver's submission cannot.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseScheduledSparkDriver } from '../../src/scheduled/scheduled-spark-driver.ts';
import type { Json } from '../devcluster/kube/support.ts';
import { apply, scheduledManifest, schedule, startScheduledCluster } from './harness.ts';
import type { ScheduledCluster } from './harness.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let c: ScheduledCluster;
beforeAll(async () => {
  c = await startScheduledCluster();
});
afterAll(async () => {
  await c.close();
});

const kubectlApply = (manifest: Json): Promise<{ code: number; stderr: string }> => c.emu.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
const withSpec = (name: string, spec: Json): Json => {
  const base = JSON.parse(scheduledManifest(name)) as Json;
  return { ...base, spec: { ...base.spec, ...spec } };
};
const withTemplate = (name: string, template: Json): Json => withSpec(name, { template: { appResource: 'file:///a.jar', ...template } });

test('examples/scheduledsparkdriver.yaml applies, and the controller reads it as written', async () => {
  const example = await readFile(path.join(root, 'examples/scheduledsparkdriver.yaml'), 'utf8');
  const applied = await c.emu.kubectl(['apply', '-f', '-'], { stdin: example });
  expect(applied).toMatchObject({ code: 0, stderr: '' });
  const stored = await schedule(c, 'nightly-pi');
  const parsed = parseScheduledSparkDriver(stored);
  expect(parsed.ok && parsed.resource.spec).toMatchObject({ ...(parse(example) as Json).spec, suspend: false });
});

test.each<[string, Json, string]>([
  ['a schedule of six fields', withSpec('six', { schedule: '0 0 * * * *' }), 'spec.schedule'],
  ['a time zone that is not a name', withSpec('zone', { timeZone: 'UTC+2 hours' }), 'spec.timeZone'],
  ['an unknown concurrency policy', withSpec('policy', { concurrencyPolicy: 'Sometimes' }), 'spec.concurrencyPolicy'],
  ['a negative history limit', withSpec('history', { failedRunHistoryLimit: -1 }), 'spec.failedRunHistoryLimit'],
  ['a template without appResource', withSpec('no-app', { template: { mainClass: 'x' } }), 'spec.template.appResource'],
  ['an empty appResource, as SparkDriver refuses it', withTemplate('empty-app', { appResource: '' }), 'spec.template.appResource'],
  ['a submissionId SparkDriver\'s CEL rule refuses', withTemplate('bad-id', { submissionId: 'x-retry-2' }), 'spec.template.submissionId'],
  ['a submissionId in the template', withTemplate('with-id', { submissionId: 'driver-1' }), 'a template cannot set submissionId'],
  ['kill in the template', withTemplate('killed', { kill: true }), 'a template cannot set kill'],
  ['an unknown template field (strict)', withTemplate('unknown', { colour: 'red' }), 'unknown field "spec.template.colour"'],
  ['a name too long for its runs\' names', JSON.parse(scheduledManifest('x'.repeat(53))) as Json, 'metadata.name'],
])('refused at apply time: %s', async (_what, manifest, mentions) => {
  const applied = await kubectlApply(manifest);
  expect(applied.code).not.toBe(0);
  expect(applied.stderr).toContain(mentions);
});

test('a template may be edited (a SparkDriver\'s submission may not)', async () => {
  await apply(c, scheduledManifest('editable'));
  const edited = withTemplate('editable', { appResource: 'file:///b.jar', mainClass: 'org.example.Other' });
  expect(await kubectlApply(edited)).toMatchObject({ code: 0 });
  expect((await schedule(c, 'editable')).spec.template).toMatchObject({ appResource: 'file:///b.jar', mainClass: 'org.example.Other' });
});
