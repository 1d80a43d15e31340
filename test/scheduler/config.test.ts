import { parseDispatcherConfig } from '../../src/scheduler/config.ts';

describe('parseDispatcherConfig', () => {
  test('Spark\'s defaults', () => {
    const result = parseDispatcherConfig({ 'spark.master': 'mesos://m:5050' }, { SPARK_HOME: '/opt/spark' });
    expect(result).toEqual({
      ok: true,
      warnings: [],
      config: {
        master: 'm:5050', sparkHome: '/opt/spark', executorLibraryPath: undefined,
        queues: new Map([['default', 0]]), maxDrivers: 200, retainedDrivers: 200, rejectOfferDurationSeconds: 120,
        fetcherCacheEnable: false, uris: [], driverDefaults: {},
        retryPolicy: { maxWaitSeconds: 60, maxRetries: undefined, resetAfterMs: undefined },
        defaultBackend: 'mesos', queueBackends: new Map(), kubernetes: { enabled: false, master: 'https://kubernetes.default.svc' },
      },
    });
  });

  test('the kubernetes backend: enabled on its own, or as the default; its API server as drivers reach it', () => {
    const config = (props: Record<string, string>) => {
      const result = parseDispatcherConfig({ 'spark.master': 'm:5050', ...props });
      return result.ok ? { defaultBackend: result.config.defaultBackend, kubernetes: result.config.kubernetes } : result.errors;
    };
    expect(config({ 'spark.mesos.dispatcher.kubernetes.enabled': 'true' }))
      .toEqual({ defaultBackend: 'mesos', kubernetes: { enabled: true, master: 'https://kubernetes.default.svc' } });
    expect(config({ 'spark.mesos.dispatcher.backend': 'kubernetes', 'spark.mesos.dispatcher.kubernetes.master': 'k8s://https://api:6443' }))
      .toEqual({ defaultBackend: 'kubernetes', kubernetes: { enabled: true, master: 'https://api:6443' } });
    expect(config({ 'spark.mesos.dispatcher.backend': 'yarn', 'spark.mesos.dispatcher.kubernetes.master': 'api' })).toEqual([
      "spark.mesos.dispatcher.backend: 'yarn' is not mesos or kubernetes",
      "spark.mesos.dispatcher.kubernetes.master: 'api' is not an http(s) URL of the Kubernetes API server",
    ]);
    expect(config({ 'spark.mesos.dispatcher.backend': 'kubernetes', 'spark.mesos.dispatcher.kubernetes.enabled': 'false' })).toEqual([
      'spark.mesos.dispatcher.kubernetes.enabled: false, but spark.mesos.dispatcher.backend (or spark.mesos.dispatcher.backend.<queue>) makes kubernetes a default backend',
    ]);
  });

  test('a queue\'s backend: spark.mesos.dispatcher.backend.<queue>, for a declared queue; it enables kubernetes', () => {
    const result = parseDispatcherConfig({
      'spark.master': 'm:5050', 'spark.mesos.dispatcher.queue.pods': '1', 'spark.mesos.dispatcher.backend.pods': 'kubernetes',
    });
    expect(result.ok && [result.config.queueBackends, result.config.kubernetes.enabled]).toEqual([new Map([['pods', 'kubernetes']]), true]);
    expect(parseDispatcherConfig({ 'spark.master': 'm:5050', 'spark.mesos.dispatcher.backend.typo': 'kubernetes', 'spark.mesos.dispatcher.backend.default': 'k8s' })).toEqual({
      ok: false,
      errors: [
        "spark.mesos.dispatcher.backend.typo: queue 'typo' is not declared (declare it with spark.mesos.dispatcher.queue.typo=<priority>)",
        "spark.mesos.dispatcher.backend.default: 'k8s' is not mesos or kubernetes",
      ],
    });
  });

  test('reads queues, driver defaults, uris and limits', () => {
    const result = parseDispatcherConfig({
      'spark.master': 'zk://zk:2181/mesos', 'spark.home': '/spark',
      'spark.mesos.dispatcher.queue.urgent': '10.5', 'spark.mesos.dispatcher.queue.low': '-2',
      'spark.mesos.dispatcher.driverDefault.spark.executor.memory': '8g',
      'spark.mesos.uris': 'http://a/x.tgz, http://b/y.jar', 'spark.mesos.maxDrivers': '5', 'spark.mesos.retainedDrivers': '10',
      'spark.mesos.rejectOfferDuration': '2min', 'spark.mesos.fetcherCache.enable': 'TRUE',
      'spark.mesos.driver.supervise.maxRetries': '4',
    });
    if (!result.ok) throw new Error(result.errors.join());
    expect(result.config.queues).toEqual(new Map([['default', 0], ['urgent', 10.5], ['low', -2]]));
    expect(result.config.driverDefaults).toEqual({ 'spark.executor.memory': '8g' });
    expect(result.config.uris).toEqual(['http://a/x.tgz', 'http://b/y.jar']);
    expect([result.config.maxDrivers, result.config.retainedDrivers, result.config.rejectOfferDurationSeconds]).toEqual([5, 10, 120]);
    expect(result.config.fetcherCacheEnable).toBe(true);
    expect(result.config.retryPolicy.maxRetries).toBe(4);
  });

  test('a non-numeric queue weight is a start-up error, reported with every other problem', () => {
    expect(parseDispatcherConfig({
      'spark.mesos.dispatcher.queue.urgent': 'high', 'spark.mesos.maxDrivers': 'many', 'spark.mesos.rejectOfferDuration': 'soon',
    })).toEqual({
      ok: false,
      errors: [
        'spark.master: not set (the Mesos master drivers should use, e.g. host:5050 or zk://host:2181/mesos)',
        "spark.mesos.dispatcher.queue.urgent: 'high' is not a number",
        "spark.mesos.maxDrivers: 'many' is not a whole number",
        "spark.mesos.rejectOfferDuration: 'soon' is not a duration (use a whole number with a unit: ms, s, m, min, h or d)",
      ],
    });
  });

  test('the default queue cannot be re-weighted: warned, ignored', () => {
    const result = parseDispatcherConfig({ 'spark.master': 'm:5050', 'spark.mesos.dispatcher.queue.default': '5' });
    expect(result.ok && result.config.queues.get('default')).toBe(0);
    expect(result.ok && result.warnings).toEqual(['spark.mesos.dispatcher.queue.default: the default queue always has priority 0; the value is ignored']);
  });
});
