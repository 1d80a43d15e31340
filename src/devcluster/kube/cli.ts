// Runs the Kubernetes API emulator standalone: prints its URL and the path of a kubeconfig for
// kubectl/helm/client-node, and serves until interrupted.
// Usage: node src/devcluster/kube/cli.ts [--port N] [--kubeconfig PATH] [--crd FILE.yaml]...

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isObj } from './json.ts';
import type { Obj } from './json.ts';
import { startKubeApiServer } from './server.ts';

interface Args { port: number; kubeconfig: string; crds: string[] }

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { port: 0, kubeconfig: path.resolve('.devcluster/kube/kubeconfig'), crds: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const next = (): string => {
      i += 1;
      const v = argv[i];
      if (v === undefined) throw new Error(`${a ?? ''} needs a value`);
      return v;
    };
    if (a === '--port') args.port = Number(next());
    else if (a === '--kubeconfig') args.kubeconfig = path.resolve(next());
    else if (a === '--crd') args.crds.push(path.resolve(next()));
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: cli.ts [--port N] [--kubeconfig PATH] [--crd FILE.yaml]...\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a ?? ''}`);
  }
  return args;
}

async function loadCrds(files: readonly string[]): Promise<Obj[]> {
  const out: Obj[] = [];
  for (const f of files) {
    for (const doc of parseAllDocuments(await readFile(f, 'utf8'))) {
      const value: unknown = doc.toJS();
      if (isObj(value) && value.kind === 'CustomResourceDefinition') out.push(value);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const server = await startKubeApiServer({ port: args.port, crds: await loadCrds(args.crds) });
  await server.writeKubeconfig(args.kubeconfig);
  process.stdout.write(`Kubernetes API emulator listening on ${server.url}\n`);
  process.stdout.write(`kubeconfig: ${args.kubeconfig}\n`);
  process.stdout.write(`  export KUBECONFIG=${args.kubeconfig}\n`);
  const stop = (): void => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
