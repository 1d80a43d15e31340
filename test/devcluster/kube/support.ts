// Helpers for the Kubernetes API emulator tests: a server with its own kubeconfig and kubectl
// cache directory, the real kubectl binary, client-node API clients, and the example Widget CRD.

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { startKubeApiServer } from '../../../src/devcluster/kube/server.ts';
import type { EmulatedKubeApiServer, KubeApiServerOptions } from '../../../src/devcluster/kube/server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const KUBECTL = path.resolve(here, '../../../.tools/kubectl');
export const FIXTURES = path.join(here, 'fixtures');

/** Parsed Kubernetes JSON, loosely typed so tests can reach into it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface Emulator {
  server: EmulatedKubeApiServer;
  dir: string;
  kubeconfigPath: string;
  kc: KubeConfig;
  /** Runs kubectl against this server; resolves with its output whatever the exit code. */
  kubectl(args: readonly string[], options?: { stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Starts kubectl and returns at once (for blocking commands such as wait, delete, get -w). */
  spawnKubectl(args: readonly string[]): RunningKubectl;
  close(): Promise<void>;
}

export interface KubectlResult { code: number; stdout: string; stderr: string }

export interface RunningKubectl {
  output(): string;
  done: Promise<KubectlResult>;
  kill(): void;
}

export async function startEmulator(options: KubeApiServerOptions = {}): Promise<Emulator> {
  const server = await startKubeApiServer(options);
  const dir = await mkdtemp(path.join(tmpdir(), 'kube-emu-'));
  const kubeconfigPath = await server.writeKubeconfig(path.join(dir, 'kubeconfig'));
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: path.join(dir, 'cache'), HOME: dir };
  const children = new Set<ReturnType<typeof spawn>>();
  return {
    server, dir, kubeconfigPath, kc,
    kubectl(args, o = {}) {
      return new Promise((resolve) => {
        const child = execFile(KUBECTL, [...args], { env, timeout: o.timeoutMs ?? 20_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
        if (o.stdin !== undefined) child.stdin?.end(o.stdin);
      });
    },
    spawnKubectl(args) {
      const child = spawn(KUBECTL, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const done = new Promise<KubectlResult>((resolve) => {
        child.on('close', (code) => {
          children.delete(child);
          resolve({ code: code ?? 1, stdout, stderr });
        });
      });
      return { output: () => stdout + stderr, done, kill: () => child.kill('SIGTERM') };
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function fixtureText(name: string): Promise<string> {
  return readFile(path.join(FIXTURES, name), 'utf8');
}

export async function fixture(name: string): Promise<Json> {
  return parse(await fixtureText(name)) as Json;
}

export async function fixtures(name: string): Promise<Json[]> {
  return parseAllDocuments(await fixtureText(name)).map((d) => d.toJS() as Json);
}

/** A JSON array as a list of loosely typed items. */
export function each(list: unknown): Json[] {
  return Array.isArray(list) ? (list as Json[]) : [];
}

/** The parsed body of a client-node ApiException (its `body` is the raw response text). */
export function statusOf(err: unknown): Json {
  const e = err as { code?: number; body?: unknown };
  const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Json) : ((e.body ?? {}) as Json);
  return { httpCode: e.code, ...body };
}

/** Awaits a promise that must reject; returns the parsed Status of the client-node error. */
export async function rejection(p: Promise<unknown>): Promise<Json> {
  try {
    await p;
  } catch (err) {
    return statusOf(err);
  }
  throw new Error('expected the request to fail');
}

export const WIDGETS = { group: 'demo.example.com', version: 'v1', plural: 'widgets' };

export function widget(name: string, spec: Json = {}, metadata: Json = {}): Json {
  return { apiVersion: 'demo.example.com/v1', kind: 'Widget', metadata: { name, ...metadata }, spec: { color: 'red', ...spec } };
}
