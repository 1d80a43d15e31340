// Writes the CustomResourceDefinitions in crds/ from the zod schemas in src/kube (`make crds`).
// The drift test in test/kube/sparkdriver-crd.test.ts compares the committed file with the same
// rendering, so run this after changing a schema.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_FILE, sparkDriverCrdYaml } from '../src/kube/crd.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, CRD_FILE);
await writeFile(target, sparkDriverCrdYaml());
console.log(`wrote ${path.relative(root, target)}`);
