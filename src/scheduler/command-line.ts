// The driver task's shell command: `<spark-submit> <options> <primary resource> <app args>`,
// built as Spark's MesosClusterScheduler builds it (same options, order, filtered and sorted
// `--conf`s, sandbox paths), except that every user-supplied word is quoted (see shell-escape).
// One builder for both backends: on Kubernetes the same line runs in the driver pod, as Spark's
// own Kubernetes cluster mode runs it (`--master k8s://…`, `--deploy-mode client`, resources
// by their URLs since no fetcher ran, and the pod's own facts from the downward API).

import { LIMITS } from './submission-rules.ts';
import type { DispatcherConfig } from './config.ts';
import type { Backend, DriverSpec } from './driver.ts';
import { POD_FACTS } from './pod-plan.ts';
import { escapeInsideDoubleQuotes, shellEscape } from './shell-escape.ts';
import type { DriverSizing } from './sizing.ts';
import { isBlank, javaDoubleString, splitCommaList } from './spark-values.ts';

export const DOCKER_IMAGE_KEY = 'spark.mesos.executor.docker.image';
export const EXECUTOR_HOME_KEY = 'spark.mesos.executor.home';
export const APP_JAR_RESOLUTION_KEY = 'spark.mesos.appJar.local.resolution.mode';

/**
 * Keys never forwarded as `--conf`: Spark's three (`spark.jars` would duplicate classes,
 * deploy mode must become client, `spark.master` names the dispatcher), plus secret values,
 * which the dispatcher consumes and which would otherwise show in the task's command line.
 */
export const UNFORWARDED_CONF_KEYS: ReadonlySet<string> = new Set([
  'spark.jars', 'spark.submit.deployMode', 'spark.master', 'spark.mesos.driver.secret.values',
]);

/**
 * Keys a driver pod's spark-submit gets from the dispatcher, never from the submission: each
 * names a fact of the pod (its name, namespace and address, the attempt's application ID).
 */
export const POD_DECIDED_CONF_KEYS: readonly (readonly [key: string, variable: string])[] = [
  ['spark.app.id', POD_FACTS.applicationId],
  ['spark.driver.host', POD_FACTS.host],
  ['spark.kubernetes.driver.pod.name', POD_FACTS.podName],
  ['spark.kubernetes.namespace', POD_FACTS.namespace],
];
const POD_DECIDED_KEYS: ReadonlySet<string> = new Set(POD_DECIDED_CONF_KEYS.map(([key]) => key));

export interface CommandLineInput {
  /** Effective driver properties: dispatcher driver defaults overlaid by the driver's own. */
  readonly conf: Readonly<Record<string, string>>;
  readonly spec: DriverSpec;
  readonly config: DispatcherConfig;
  readonly sizing: DriverSizing;
  /** Where the line runs: a Mesos sandbox, or a driver pod. */
  readonly backend: Backend;
}

export type CommandLineResult = { ok: true; command: string } | { ok: false; problems: string[] };

/** `spark.executor.uri`, else the submitted SPARK_EXECUTOR_URI. */
export function driverExecutorUri(conf: Readonly<Record<string, string>>, spec: DriverSpec): string | undefined {
  return conf['spark.executor.uri'] ?? spec.environment['SPARK_EXECUTOR_URI'];
}

/** True when the app jar is `local://` and must be used in place inside the container. */
export function isContainerLocalAppJar(conf: Readonly<Record<string, string>>, appResource: string): boolean {
  return appResource.startsWith('local://') && conf[APP_JAR_RESOLUTION_KEY]?.toLowerCase() === 'container';
}

/** Last path segment, ignoring trailing slashes (Java's split drops trailing empty strings). */
export function lastPathSegment(path: string): string {
  const segments = path.split('/');
  while (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  return segments[segments.length - 1] ?? '';
}

/** A file in the sandbox. The sandbox is one of our literals (`.`, `..`, `$MESOS_SANDBOX`). */
const inSandbox = (sandbox: string, fileName: string): string => `${sandbox}/${shellEscape(fileName)}`;

/** Java's `new File(path).toString()`: repeated slashes collapsed, trailing slash removed. */
const javaFilePath = (path: string): string => path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

export function buildCommandLine(input: CommandLineInput): CommandLineResult {
  const { conf, spec } = input;
  const problems: string[] = [];
  const mode = conf[APP_JAR_RESOLUTION_KEY];
  if (mode !== undefined && !['host', 'container'].includes(mode.toLowerCase())) {
    problems.push(`${APP_JAR_RESOLUTION_KEY}: '${mode}' is not host or container`);
  }
  if (conf['spark.app.name'] === undefined) problems.push('spark.app.name: not set (it names the driver task and is passed as --name)');
  if (isBlank(spec.appResource)) problems.push('appResource: empty (the application jar or Python file to run)');
  const launcher = sparkSubmitLauncher(input);
  if (!launcher.ok) problems.push(launcher.problem);
  if (problems.length > 0 || !launcher.ok) return { ok: false, problems };

  const primaryResource = launcher.sandbox === undefined ? shellEscape(spec.appResource)
    : isContainerLocalAppJar(conf, spec.appResource) ? shellEscape(javaFilePath(spec.appResource.slice('local://'.length)))
    : inSandbox(launcher.sandbox, lastPathSegment(spec.appResource));
  const parts = [launcher.executable, ...commandOptions(input, launcher.sandbox), primaryResource, ...spec.appArgs.map(shellEscape)];
  const command = parts.join(' ');
  // Linux hands the command to `sh -c` as one argument, which may not exceed 128 KiB (E2BIG).
  const bytes = new TextEncoder().encode(command).length;
  if (bytes > LIMITS.commandLineBytes) {
    return { ok: false, problems: [`the driver's command line would be ${bytes} bytes; at most ${LIMITS.commandLineBytes} can be run (shorten the arguments or Spark properties)`] };
  }
  if (command.includes('\0')) return { ok: false, problems: ['the driver\'s command line would contain a NUL character, which no command line can carry'] };
  return { ok: true, command };
}

/** `sandbox` undefined: nothing was fetched, files are named by their URLs (a driver pod). */
type Launcher = { ok: true; executable: string; sandbox: string | undefined } | { ok: false; problem: string };

/** How to reach spark-submit, and where the fetched files are relative to where it runs. */
function sparkSubmitLauncher({ conf, spec, config, backend }: CommandLineInput): Launcher {
  // Spark's images set SPARK_HOME (/opt/spark), as their entrypoint relies on it.
  if (backend === 'kubernetes') return { ok: true, executable: '"$SPARK_HOME"/bin/spark-submit', sandbox: undefined };
  const image = conf[DOCKER_IMAGE_KEY];
  if (image !== undefined) {
    if (isBlank(image)) return { ok: false, problem: `${DOCKER_IMAGE_KEY}: set but empty (name the image that contains Spark)` };
    // Mesos fetches into the sandbox it mounts in the container at $MESOS_SANDBOX.
    return { ok: true, executable: './bin/spark-submit', sandbox: '$MESOS_SANDBOX' };
  }
  const executorUri = driverExecutorUri(conf, spec);
  if (executorUri !== undefined) {
    // The tarball extracts to a folder named like the file; glob it, then run from inside.
    const folder = lastPathSegment(executorUri).split('.')[0] ?? '';
    const libraryPath = [
      ...(config.executorLibraryPath !== undefined ? [config.executorLibraryPath] : []),
      ...(conf['spark.driver.extraLibraryPath'] ?? '').split(':').filter((p) => p !== ''),
    ];
    const prefix = libraryPath.length === 0 ? ''
      : `LD_LIBRARY_PATH="${libraryPath.map(escapeInsideDoubleQuotes).join(':')}:$LD_LIBRARY_PATH"`;
    return { ok: true, executable: `cd ${shellEscape(folder)}*; ${prefix} bin/spark-submit`, sandbox: '..' };
  }
  // A blank executor home reads as unset (it could only make a command that cannot run).
  const ownHome = conf[EXECUTOR_HOME_KEY];
  const sparkHome = ownHome !== undefined && !isBlank(ownHome) ? ownHome : config.sparkHome;
  if (sparkHome === undefined || sparkHome.trim() === '') {
    return {
      ok: false,
      problem: `no Spark to run: set ${DOCKER_IMAGE_KEY} (an image with Spark), spark.executor.uri (a Spark tarball) ` +
        `or ${EXECUTOR_HOME_KEY} (Spark's path on the agents); the dispatcher has no spark.home or SPARK_HOME either`,
    };
  }
  return { ok: true, executable: shellEscape(`${sparkHome.replace(/(.)\/+$/, '$1')}/./bin/spark-submit`), sandbox: '.' };
}

function commandOptions({ conf, spec, config, sizing, backend }: CommandLineInput, sandbox: string | undefined): string[] {
  const master = backend === 'kubernetes' ? ['--master', shellEscape(`k8s://${config.kubernetes.master}`), '--deploy-mode', 'client']
    : ['--master', shellEscape(`mesos://${config.master}`)];
  const options: string[] = [
    '--name', shellEscape(conf['spark.app.name'] ?? ''),
    ...master,
    '--driver-cores', shellEscape(javaDoubleString(sizing.cpus)),
    '--driver-memory', shellEscape(`${sizing.driverMemoryMiB}M`),
  ];
  if (spec.mainClass !== '') options.push('--class', shellEscape(spec.mainClass));
  const executorMemory = conf['spark.executor.memory'];
  if (executorMemory !== undefined) options.push('--executor-memory', shellEscape(executorMemory));
  const coresMax = conf['spark.cores.max'];
  if (coresMax !== undefined) options.push('--total-executor-cores', shellEscape(coresMax));
  const pyFiles = splitCommaList(conf['spark.submit.pyFiles']);
  if (pyFiles.length > 0 && sandbox === undefined) {
    options.push('--py-files', shellEscape(pyFiles.join(',')));
  } else if (pyFiles.length > 0 && sandbox !== undefined) {
    // Built from sandbox paths rather than escaped whole: Spark's quoting of this token turned
    // $MESOS_SANDBOX into a literal, breaking Python drivers in Docker.
    const fileName = (uri: string): string => lastPathSegment(uri.replace(/[?#].*$/, ''));
    options.push('--py-files', pyFiles.map((uri) => inSandbox(sandbox, fileName(uri))).join(','));
  }
  const onPod = backend === 'kubernetes';
  const forwarded = Object.keys(conf).filter((key) => !UNFORWARDED_CONF_KEYS.has(key) && !(onPod && POD_DECIDED_KEYS.has(key))).sort();
  for (const key of forwarded) options.push('--conf', shellEscape(`${key}=${conf[key]}`));
  // Our own literals: the shell expands the pod's facts, which the pod's environment carries.
  if (onPod) for (const [key, variable] of POD_DECIDED_CONF_KEYS) options.push('--conf', `${key}="$${variable}"`);
  return options;
}
