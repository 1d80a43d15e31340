// Composition root: configuration in, ports built, the operator started, and an ordered shutdown
// on SIGTERM/SIGINT. Wiring only; every behaviour lives in the modules it composes.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { loadConfig, redactConfig, verboseReport } from './config/index.ts';
import type { OperatorConfig } from './config/index.ts';
import { createKubeClient } from './kube/kube-client.ts';
import type { KubeConfigSource } from './kube/kube-client.ts';
import { Operator } from './operator/operator.ts';
import { KubeSubmissionStore } from './operator/submission-store.ts';
import { createMetrics, startMetricsServer } from './metrics/index.ts';
import { parseSparkDriver } from './kube/sparkdriver.ts';
import { startUiServer, uiDriverFrom } from './ui/index.ts';
import type { UiSnapshot } from './ui/index.ts';
import { startRestServer } from './rest/index.ts';
import type { CrashPoint } from './operator/scheduler-loop.ts';
import { systemClock, systemRandom } from './runtime/clock.ts';
import { REDACTED_PATHS } from './runtime/logger.ts';
import { redactMasterUrl } from './mesos/master-url.ts';
import { prettyStream } from './runtime/pretty-log.ts';

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
  const logOptions = { name: 'spark-mesos-dispatcher', level: config.log.level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  const log = config.log.format === 'pretty' ? pino(logOptions, prettyStream(process.stdout)) : pino(logOptions);
  for (const warning of loaded.warnings) log.warn({}, warning);
  if (config.verbose) process.stdout.write(`${verboseReport(config).join('\n')}\n`);
  log.debug({ config: redactConfig(config) }, 'effective configuration');

  const kube = createKubeClient({ kubeConfig: kubeConfigSource(config), clock: systemClock, userAgent: 'spark-mesos-dispatcher' });
  const identity = `${process.env.POD_NAME ?? hostname()}_${randomUUID().slice(0, 8)}`;
  const { mesos, kubernetes } = config;
  let exitCode = 0;
  let stopping: Promise<void> | undefined;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { finished = resolve; });
  const intake: { close(): Promise<void> }[] = [];
  const servers: { close(): Promise<void> }[] = [];
  // Stop taking submissions, let reconciles and status writes in flight finish, close the Mesos
  // stream and release the lease (operator.stop), then close the remaining servers.
  const stopAll = (): Promise<void> => (stopping ??= (async () => {
    await Promise.all(intake.map((server) => server.close()));
    await operator.stop();
    await Promise.all(servers.map((server) => server.close()));
    finished();
  })());

  const metrics = createMetrics({
    clock: systemClock, leaseName: kubernetes.leaderElection.leaseName, queues: [...config.dispatcher.queues.keys()], log,
  });
  const operator = new Operator({
    metrics, kube, identity, dispatcher: config.dispatcher,
    ...(kubernetes.namespaces !== 'all' && { namespaces: kubernetes.namespaces }),
    mesos: {
      master: mesos.master,
      frameworkInfo: {
        user: mesos.user, name: mesos.frameworkName, failover_timeout: mesos.failoverTimeoutSeconds, checkpoint: mesos.checkpoint,
        hostname: mesos.hostname, webui_url: mesos.webuiUrl,
        ...(mesos.role !== undefined && { role: mesos.role }),
        ...(mesos.principal !== undefined && { principal: mesos.principal }),
        ...(mesos.gpuResources && { capabilities: [{ type: 'GPU_RESOURCES' as const }] }),
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
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      void stopAll();
    });
  }

  servers.push(await startMetricsServer({
    registry: metrics.registry, host: config.network.bindAddress, port: config.metrics.port, log: log.child({ component: 'metrics' }),
    health: {
      cachesSynced: () => operator.informer.hasSynced(),
      leader: () => operator.isLeader,
      mesosSubscribed: () => operator.mesosClient?.state === 'subscribed',
      masterDetection: () => operator.mesosClient?.masterDetection,
      shuttingDown: () => stopping !== undefined,
    },
  }));
  await operator.start();
  const store = new KubeSubmissionStore({
    kube, informer: operator.informer, namespace: kubernetes.submissionNamespace, clock: systemClock, maxDrivers: config.dispatcher.maxDrivers,
  });
  const restServer = await startRestServer({
    store, host: config.network.bindAddress, port: config.rest.port, log: log.child({ component: 'rest' }),
    ...(config.rest.authToken !== undefined && { auth: { kind: 'bearer' as const, token: config.rest.authToken } }),
  });
  intake.push(restServer);
  const snapshot = (): UiSnapshot => {
    const frameworkId = operator.mesosClient?.frameworkId;
    const drivers = operator.informer.list().flatMap((raw) => {
      const parsed = parseSparkDriver(raw);
      return parsed.ok ? [uiDriverFrom(parsed.resource, config.dispatcher, frameworkId === undefined ? {} : { frameworkId })] : [];
    });
    return {
      masterUrl: `mesos://${redactMasterUrl(mesos.master)}`, leader: operator.isLeader, drivers, redactionPattern: config.redactionPattern,
      ...(frameworkId !== undefined && { frameworkId }),
      ...(config.ui.proxyBaseUrl !== undefined && { mesosProxyBaseUrl: config.ui.proxyBaseUrl }),
      ...(config.ui.historyServerUrl !== undefined && { historyServerUrl: config.ui.historyServerUrl }),
    };
  };
  const ui = await startUiServer({ source: { snapshot }, host: config.network.bindAddress, port: config.ui.port, log: log.child({ component: 'ui' }) });
  servers.push(ui);
  log.info({ identity, namespaces: kubernetes.namespaces, master: redactMasterUrl(mesos.master), rest: restServer.url, ui: ui.url }, 'spark-mesos-dispatcher started');
  await done;
  return exitCode;
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`spark-mesos-dispatcher failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
