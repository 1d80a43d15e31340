// The chart under test and the real helm (v4, from .tools/, put there by `make install`), run
// with its cache, config and data homes in a temporary folder so that nothing on the machine
// (repositories, plugins) changes what it does.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HELM = path.join(root, '.tools/helm');
export const CHART = path.join(root, 'charts/spark-mesos-dispatcher');
/** The chart's ci/ values files, as chart-testing runs them. */
export const CI_VALUES = readdirSync(path.join(CHART, 'ci')).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(CHART, 'ci', f));
/** The namespace and release name every rendering in these tests uses. */
export const NAMESPACE = 'dispatcher';
export const RELEASE = 'smd';
/** The Prometheus Operator's API, which the ServiceMonitor and the PrometheusRule need. */
export const MONITORING_API = 'monitoring.coreos.com/v1';

const home = mkdtempSync(path.join(tmpdir(), 'helm-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = {
  ...process.env,
  HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data'),
};

export interface HelmResult { code: number; stdout: string; stderr: string }

export function helm(args: readonly string[]): Promise<HelmResult> {
  return new Promise((resolve) => {
    execFile(HELM, [...args], { env, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A rendered manifest, loosely typed so tests can reach into it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

export interface RenderOptions {
  /** Values files (-f), in order. */
  files?: readonly string[];
  /** --set-string / --set pairs, after the files. */
  set?: readonly string[];
  /** API versions the pretend cluster offers (--api-versions). */
  apiVersions?: readonly string[];
  /** Also the CRDs from crds/ (--include-crds). */
  includeCrds?: boolean;
}

export function templateArgs(options: RenderOptions = {}): string[] {
  return [
    'template', RELEASE, CHART, '--namespace', NAMESPACE,
    ...(options.includeCrds ? ['--include-crds'] : []),
    ...(options.files ?? []).flatMap((f) => ['-f', f]),
    ...(options.set ?? []).flatMap((s) => ['--set', s]),
    ...(options.apiVersions ?? []).flatMap((v) => ['--api-versions', v]),
  ];
}

/** `helm template` with the options; throws with helm's message when it fails. */
export async function render(options: RenderOptions = {}): Promise<Manifest[]> {
  const result = await helm(templateArgs(options));
  if (result.code !== 0) throw new Error(`helm template failed (${result.code}): ${result.stderr}`);
  return parseManifests(result.stdout);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as Manifest | null;
  }).filter((m): m is Manifest => m !== null);
}

export function find(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

export const label = (m: Manifest): string => `${m.kind}/${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name}`;
