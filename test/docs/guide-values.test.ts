// The values file the user guide shows installs: the chart renders it, so the guide cannot drift
// from the chart's values.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { find, render } from '../chart/helm.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('the user guide\'s example values render with the chart', async () => {
  const guide = readFileSync(path.join(ROOT, 'docs/user-guide.md'), 'utf8');
  const example = /A values file for a typical installation[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(guide)?.[1];
  expect(example).toContain('mesos:');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'guide-values-')), 'values.yaml');
  writeFileSync(file, example!);
  const manifests = await render({ files: [file] });
  const args = find(manifests, 'Deployment').spec.template.spec.containers[0].args as string[];
  expect(args.join(' ')).toContain('mesos://m1.example.com:5050,m2.example.com:5050,m3.example.com:5050');
  expect(args).toContain('--namespaces=spark');
});
