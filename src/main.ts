// Composition root: configuration in, ports built, the operator started, and an ordered shutdown
// on SIGTERM/SIGINT. Wiring only; every behaviour lives in the modules it composes.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig, redactConfig, verboseReport } from './config/index.ts';
import type { OperatorConfig } from './config/index.ts';
import { createKubeClient } from './kube/kube-client.ts';
import type { KubeConfigSource } from './kube/kube-client.ts';
import { Lifecycle } from './lifecycle.ts';
import { Operator } from './operator/operator.ts';
import { KubeSubmissionStore } from './operator/submission-store.ts';
import { ScheduledDrivers } from './scheduled/scheduled-drivers.ts';
import { createMetrics, startMetricsServer } from './metrics/index.ts';
import { SPARK_DRIVER } from './sparkdriver/sparkdriver.ts';
import { isNotFound } from './kube/api-error.ts';
import { cachedUiDrivers, startUiServer } from './ui/index.ts';
import type { UiSnapshot } from './ui/index.ts';
import { startRestServer } from './rest/index.ts';
import { createAuthenticator, type RestAuth } from './rest/auth.ts';
import { DriverLogs } from './logs/driver-logs.ts';
import { SandboxFiles } from './mesos/sandbox-files.ts';
import { PodLogs } from './pods/pod-logs.ts';
import type { CrashPoint } from './operator/scheduler-loop.ts';
import { systemClock, systemRandom } from './runtime/clock.ts';
import { MemoryReclaimer } from './runtime/memory-reclaimer.ts';
import { rootLoggerOptions } from './runtime/logger.ts';
import { parseMasterLocation, redactMasterUrl } from './mesos/master-url.ts';
import { prettyStream } from './runtime/pretty-log.ts';
import { jsonLogDestination } from './runtime/log-destination.ts';

function kubeConfigSource(config: OperatorConfig): KubeConfigSource {
  const connection = config.kubernetes.connection;
  if (connection.mode === 'in-cluster') return { from: 'in-cluster' };
  const [path] = connection.paths;
  return path === undefined ? { from: 'default' } : { from: 'file', path };
}

/** Test hook: `SMD_CRASH_AT=after-intent|after-accept` SIGKILLs the process at that point. */
function crashHook(env: NodeJS.ProcessEnv): ((point: CrashPoint) => void) | undefined {
  const at = env.SMD_CRASH_AT;
  if (at !== 'after-intent' && at !== 'after-accept') return undefined;
  return (point) => {
    if (point === at) process.kill(process.pid, 'SIGKILL');
  };
}

async function main(): Promise<number> {
  const loaded = loadConfig(process.argv.slice(2), process.env);
  if (!loaded.ok) {
    for (const error of loaded.errors) process.stderr.write(`${error}\n`);
    if (loaded.usage !== undefined) (loaded.exitCode === 0 ? process.stdout : process.stderr).write(`${loaded.usage}\n`);
    return loaded.exitCode;
  }
  const { config } = loaded;
  const logOptions = rootLoggerOptions(config.log.level);
  const log = config.log.format === 'pretty' ? pino(logOptions, prettyStream(process.stdout)) : pino(logOptions, jsonLogDestination());
  for (const warning of loaded.warnings) log.warn({}, warning);
  if (config.verbose) process.stdout.write(`${verboseReport(config).join('\n')}\n`);
  log.debug({ config: redactConfig(config) }, 'effective configuration');

  const kube = createKubeClient({ kubeConfig: kubeConfigSource(config), clock: systemClock, userAgent: 'spark-mesos-dispatcher' });
  const identity = `${process.env.POD_NAME ?? hostname()}_${randomUUID().slice(0, 8)}`;
  const { mesos, kubernetes } = config;
  let exitCode = 0;
  const lifecycle = new Lifecycle({ clock: systemClock, log });
  const stopAll = (): Promise<void> => lifecycle.stop();
  // Gives back what a burst of submissions or updates made the heap grow into (with --expose-gc).
  const reclaimer = new MemoryReclaimer({ clock: systemClock, log: log.child({ component: 'memory' }) });
  reclaimer.start();
  lifecycle.add('servers', { name: 'memory reclaimer', stop: () => Promise.resolve(reclaimer.stop()) });

  // Ready only once spark-submit and the UI can reach this replica.
  let serving = false;
  const metrics = createMetrics({
    clock: systemClock, leaseName: kubernetes.leaderElection.leaseName, queues: [...config.dispatcher.queues.keys()], log,
  });
  const operator = new Operator({
    metrics, kube, identity, dispatcher: config.dispatcher,
    // A driver that is launched at once, or finishes moments after it started, costs one status
    // write and one Event instead of two each; a person sees the status at most a second late.
    statusCoalesceMs: 1000,
    ...(kubernetes.namespaces !== 'all' && { namespaces: kubernetes.namespaces }),
    mesos: {
      master: mesos.master,
      framework: {
        user: mesos.user, name: mesos.frameworkName, failoverTimeoutSeconds: mesos.failoverTimeoutSeconds, checkpoint: mesos.checkpoint,
        hostname: mesos.hostname, webuiUrl: mesos.webuiUrl, gpuResources: mesos.gpuResources,
        ...(mesos.role !== undefined && { role: mesos.role }),
        ...(mesos.principal !== undefined && { principal: mesos.principal }),
      },
      ...(mesos.principal !== undefined && mesos.secret !== undefined && { credentials: { principal: mesos.principal, secret: mesos.secret } }),
    },
    stateNamespace: kubernetes.operatorNamespace,
    stateConfigMapName: kubernetes.frameworkIdConfigMap,
    ...(kubernetes.leaderElection.enabled && { leaderElection: {
      leaseName: kubernetes.leaderElection.leaseName, leaseDurationMs: kubernetes.leaderElection.leaseDurationMs,
      renewDeadlineMs: kubernetes.leaderElection.renewDeadlineMs, retryPeriodMs: kubernetes.leaderElection.retryPeriodMs,
    } }),
    clock: systemClock, random: systemRandom, log,
    ...(crashHook(process.env) !== undefined && { atCrashPoint: crashHook(process.env)! }),
    onFatal: (reason) => {
      log.error({ reason }, 'stopping: this replica can no longer lead');
      exitCode = 1;
      void stopAll();
    },
    onLeading: () => scheduled.lead(),
  });
  const scheduled = new ScheduledDrivers({
    kube, drivers: operator.informer, identity, clock: systemClock, random: systemRandom, log, observer: metrics.scheduled,
    ...(kubernetes.namespaces !== 'all' && { namespaces: kubernetes.namespaces }),
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      void stopAll();
    });
  }

  const metricsServer = await startMetricsServer({
    registry: metrics.registry, host: config.network.bindAddress, port: config.metrics.port, log: log.child({ component: 'metrics' }),
    health: {
      cachesSynced: () => operator.informer.hasSynced(),
      leader: () => operator.isLeader,
      mesosSubscribed: () => operator.mesosClient?.state === 'subscribed',
      masterDetection: () => operator.mesosClient?.masterDetection,
      shuttingDown: () => lifecycle.isStopping,
      serving: () => serving,
    },
  });
  lifecycle.add('servers', { name: 'metrics server', stop: () => metricsServer.close() });
  scheduled.start();
  lifecycle.add('controllers', { name: 'scheduled drivers', stop: () => scheduled.stop() });
  await operator.start();
  lifecycle.add('controllers', { name: 'operator', stop: () => operator.stop() });
  const store = new KubeSubmissionStore({
    kube, informer: operator.informer, namespace: kubernetes.submissionNamespace, clock: systemClock, maxDrivers: config.dispatcher.maxDrivers,
    dispatcher: config.dispatcher,
  });
  const restAuth: RestAuth | undefined = config.rest.authToken === undefined ? undefined : { kind: 'bearer', token: config.rest.authToken };
  const restServer = await startRestServer({
    store, host: config.network.bindAddress, port: config.rest.port, log: log.child({ component: 'rest' }),
    ...(restAuth !== undefined && { auth: restAuth }),
  });
  lifecycle.add('intake', { name: 'REST server', stop: () => restServer.close() });
  const uiDrivers = cachedUiDrivers(config.dispatcher);
  const snapshot = (): UiSnapshot => {
    const frameworkId = operator.mesosClient?.frameworkId;
    const drivers = uiDrivers(operator.informer.list(), frameworkId);
    return {
      masterUrl: `mesos://${redactMasterUrl(mesos.master)}`, leader: operator.isLeader, drivers, schedules: scheduled.list(), redactionPattern: config.redactionPattern,
      ...(frameworkId !== undefined && { frameworkId }),
      ...(config.ui.proxyBaseUrl !== undefined && { mesosProxyBaseUrl: config.ui.proxyBaseUrl }),
      ...(config.ui.historyServerUrl !== undefined && { historyServerUrl: config.ui.historyServerUrl }),
    };
  };
  // Driver logs are read through the master's agent list: the configured masters, or (found in
  // ZooKeeper) the one the leader is subscribed to; a standby replica then has none to ask.
  const location = parseMasterLocation(mesos.master);
  const logMasters = (): readonly string[] => {
    if (location.kind === 'static') return location.origins;
    const subscribed = operator.mesosClient?.subscribedMaster;
    return subscribed === undefined ? [] : [subscribed];
  };
  const mesosCredentials = mesos.principal !== undefined && mesos.secret !== undefined ? { principal: mesos.principal, secret: mesos.secret } : undefined;
  const ui = await startUiServer({
    source: { snapshot }, host: config.network.bindAddress, port: config.ui.port, log: log.child({ component: 'ui' }),
    logs: new DriverLogs(
      new SandboxFiles({ masters: () => logMasters(), credentials: mesosCredentials }),
      config.dispatcher.kubernetes.enabled ? new PodLogs(kube) : undefined,
    ),
    kill: {
      request: (namespace, name) => kube.patchMerge({ ...SPARK_DRIVER, namespace, name }, { spec: { kill: true } })
        .then(() => true, (error: unknown) => (isNotFound(error) ? false : Promise.reject(error as Error))),
      authenticator: restAuth === undefined ? undefined : createAuthenticator(restAuth),
    },
  });
  lifecycle.add('servers', { name: 'UI server', stop: () => ui.close() });
  serving = true;
  log.info({ identity, namespaces: kubernetes.namespaces, master: redactMasterUrl(mesos.master), rest: restServer.url, ui: ui.url }, 'spark-mesos-dispatcher started');
  await lifecycle.done;
  return exitCode;
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`spark-mesos-dispatcher failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
