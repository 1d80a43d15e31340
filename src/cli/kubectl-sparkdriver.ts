#!/usr/bin/env node
// kubectl-sparkdriver: the kubectl plugin for SparkDrivers (`kubectl sparkdriver logs NAME`).
// It reads an attempt's stdout or stderr through the dispatcher, which reads it from the Mesos
// agent's files API: no route to the agents is needed, only to the dispatcher's web UI. The
// dispatcher is --dispatcher, else $SPARK_DISPATCHER_URL, else http://127.0.0.1:8081 (`make run`,
// or `kubectl port-forward svc/<release>-ui 8081`). The namespace is -n, else the kubeconfig
// context's (asked of kubectl: $KUBECTL_PATH, else kubectl on the PATH), else default.
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { LogError, streamLog } from './log-stream.ts';

const USAGE = `Read the logs of a SparkDriver's Mesos task through the dispatcher.

Usage:
  kubectl sparkdriver logs NAME [--stderr] [-f] [--attempt N] [-n NAMESPACE] [--dispatcher URL]

  NAME              the SparkDriver's name (or namespace/name, or its submission ID)
  --stderr          the driver's stderr instead of its stdout
  -f, --follow      keep printing new output until the attempt ends (waiting for it to start)
  --attempt N       attempt N (1 is the first launch, 2 the first retry, ...); default: the latest
  -n, --namespace   the SparkDriver's namespace; default: the kubeconfig context's, else default
  --dispatcher URL  the dispatcher's web UI; default: $SPARK_DISPATCHER_URL, else http://127.0.0.1:8081
  --kubeconfig, --context  passed to kubectl to find the context's namespace

Logs stay readable after the driver finished, until Mesos removes the sandbox.`;

const DEFAULT_DISPATCHER = 'http://127.0.0.1:8081';

/** The current context's namespace, or undefined when kubectl cannot say. */
function contextNamespace(kubeconfig: string | undefined, context: string | undefined): string | undefined {
  const args = ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}'];
  if (kubeconfig !== undefined) args.push('--kubeconfig', kubeconfig);
  if (context !== undefined) args.push('--context', context);
  try {
    const out = execFileSync(process.env.KUBECTL_PATH ?? 'kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

function usageError(message: string): number {
  process.stderr.write(`error: ${message}\n\n${USAGE}\n`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        stderr: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' }, attempt: { type: 'string' },
        namespace: { type: 'string', short: 'n' }, dispatcher: { type: 'string' }, kubeconfig: { type: 'string' },
        context: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true || positionals.length === 0) {
    (values.help === true ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help === true ? 0 : 2;
  }
  const [command, name, ...rest] = positionals;
  if (command !== 'logs' || name === undefined || rest.length > 0) return usageError(`expected "logs NAME", got "${positionals.join(' ')}"`);
  const attempt = values.attempt === undefined ? undefined : Number(values.attempt);
  if (attempt !== undefined && !(Number.isSafeInteger(attempt) && attempt > 0)) {
    return usageError(`--attempt must be a positive whole number, got "${values.attempt}"`);
  }
  const namespace = values.namespace ?? contextNamespace(values.kubeconfig, values.context) ?? 'default';
  const dispatcher = values.dispatcher ?? process.env.SPARK_DISPATCHER_URL ?? DEFAULT_DISPATCHER;
  const target = { dispatcher, file: values.stderr === true ? 'stderr' as const : 'stdout' as const, attempt };
  const stream = (id: string): Promise<void> => streamLog({ ...target, id }, {
    follow: values.follow === true,
    write: (data) => process.stdout.write(data),
    notice: (message) => process.stderr.write(`${message}\n`),
    pause: () => new Promise((resolve) => setTimeout(resolve, 1000)),
  });
  try {
    try {
      await stream(name.includes('/') ? name : `${namespace}/${name}`);
    } catch (error) {
      // Not a resource name in that namespace: perhaps a submission ID.
      if (!(error instanceof LogError && error.status === 404 && /^Cannot find driver /.test(error.message)) || name.includes('/')) throw error;
      await stream(name);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// `kubectl sparkdriver logs x | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`error: ${String(error)}\n`);
  process.exitCode = 1;
});
