// Loads the project's Mesos v1 .proto files (proto/ at the repository root) once, by reflection,
// keeping field names in snake_case so that one plain-object shape serves protobuf and JSON.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import Long from 'long';

// Without `long`, protobufjs decodes 64-bit integers lossily; with it, they come out as Long.
protobuf.util.Long = Long;
protobuf.configure();

function findProtoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'mesos', 'v1', 'mesos.proto'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find proto/mesos/v1/mesos.proto above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function loadRoot(): protobuf.Root {
  const protoRoot = findProtoRoot();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync('mesos/v1/scheduler/scheduler.proto', { keepCase: true });
  root.resolveAll();
  return root;
}

export const mesosRoot: protobuf.Root = loadRoot();

export function mesosType(fullName: string): protobuf.Type {
  return mesosRoot.lookupType(fullName);
}

export function mesosEnumNames(fullName: string): string[] {
  return Object.keys(mesosRoot.lookupEnum(fullName).values);
}
