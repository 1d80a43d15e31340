// Writes the CustomResourceDefinitions in crds/ from the zod schemas in src/kube (`make crds`),
// and the same file into the Helm chart's crds/ folder. The drift tests (test/kube/sparkdriver-
// crd.test.ts, and test/chart/chart.test.ts for the chart's copy) compare the committed files
// with the same rendering, so run this after changing a schema.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_FILE, sparkDriverCrdYaml } from '../src/kube/crd.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const yaml = sparkDriverCrdYaml();
for (const target of [path.join(root, CRD_FILE), path.join(root, 'charts/spark-mesos-dispatcher', CRD_FILE)]) {
  await writeFile(target, yaml);
  console.log(`wrote ${path.relative(root, target)}`);
}
