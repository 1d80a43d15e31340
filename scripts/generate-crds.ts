// Writes the CustomResourceDefinitions in crds/ from the zod schemas (`make crds`): SparkDriver's
// from src/kube, ScheduledSparkDriver's from src/scheduled, and the same files into the Helm
// chart's crds/ folder. The drift tests (test/sparkdriver/sparkdriver-crd.test.ts, test/scheduled/
// crd.test.ts, and test/chart/chart.test.ts for the chart's copies) compare the committed files
// with the same rendering, so run this after changing a schema.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_FILE, sparkDriverCrdYaml } from '../src/sparkdriver/crd.ts';
import { SCHEDULED_CRD_FILE, scheduledCrdYaml } from '../src/scheduled/crd.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [file, yaml] of [[CRD_FILE, sparkDriverCrdYaml()], [SCHEDULED_CRD_FILE, scheduledCrdYaml()]] as const) {
  for (const target of [path.join(root, file), path.join(root, 'charts/spark-mesos-dispatcher', file)]) {
    await writeFile(target, yaml);
    console.log(`wrote ${path.relative(root, target)}`);
  }
}
