// The generated ScheduledSparkDriver CRD: the committed file is what the schemas render (drift),
// its names and columns, and its template is SparkDriver's spec schema minus the rules that
// compare with the old object (a template may be edited; a SparkDriver may not).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { sparkDriverOpenApiSchema } from '../../src/sparkdriver/crd.ts';
import { SCHEDULED_CRD_FILE, scheduledCrd, scheduledCrdYaml, withoutTransitionRules } from '../../src/scheduled/crd.ts';
import type { Json } from '../devcluster/kube/support.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('crds/ holds what `make crds` generates from the schemas', async () => {
  const committed = await readFile(path.join(root, SCHEDULED_CRD_FILE), 'utf8');
  // On failure: run `make crds` and commit the result.
  expect(committed).toBe(scheduledCrdYaml());
  expect(parse(committed)).toStrictEqual(scheduledCrd());
});

test('names, status subresource and the CronJob-like printer columns', () => {
  const crd: Json = scheduledCrd();
  expect(crd.metadata.name).toBe('scheduledsparkdrivers.sparkmesos.io');
  expect(crd.spec.names).toMatchObject({ kind: 'ScheduledSparkDriver', plural: 'scheduledsparkdrivers', shortNames: ['ssd'], categories: ['spark'] });
  const [version] = crd.spec.versions;
  expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
  expect((version.additionalPrinterColumns as Json[]).filter((c) => c.priority === undefined).map((c) => c.name))
    .toEqual(['Schedule', 'Suspend', 'Active', 'Last Schedule', 'Next Schedule', 'Age']);
});

test('the template is the SparkDriver spec schema without its transition rules, plus the template rules', () => {
  const schema: Json = scheduledCrd();
  const template = schema.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.template as Json;
  const driverSpec = sparkDriverOpenApiSchema().properties as Json;
  const { 'x-kubernetes-validations': rules, description: _template, ...rest } = template;
  const { 'x-kubernetes-validations': _spec, description: _driver, ...driverRest } = withoutTransitionRules(driverSpec.spec as Json);
  expect(rest).toEqual(driverRest);
  expect(JSON.stringify(template)).not.toContain('oldSelf');
  expect(JSON.stringify(driverSpec.spec)).toContain('oldSelf');
  expect((rules as Json[]).map((r) => r.rule)).toEqual(['!has(self.submissionId)', '!has(self.kill) || !self.kill']);
  // The rules that do not compare with the old object stay (submissionId's characters).
  expect(JSON.stringify(template.properties.submissionId)).toContain("self != '.'");
});
