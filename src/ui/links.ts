// The UI's links out of the dispatcher: an attempt's sandbox in the Mesos UI (through
// `spark.mesos.proxy.baseURL`) and its application in the Spark history server (through
// `spark.mesos.dispatcher.historyServer.url`). Both name the attempt's own task, so they are
// right for retried attempts, where the original used the submission ID. Pure.

import { safeHttpUrl } from './html.ts';

export interface AttemptRef {
  /** The Mesos task ID of the attempt: `<submissionId>` or `<submissionId>-retry-<n>`. */
  readonly taskId: string;
  readonly agentId?: string | undefined;
  /** The dispatcher's framework ID the attempt was launched under. */
  readonly frameworkId?: string | undefined;
}

/** A base URL checked to be http(s), without its fragment or trailing slashes. */
function base(url: string | undefined): string | undefined {
  const safe = safeHttpUrl(url);
  return safe?.replace(/#.*$/, '').replace(/\/+$/, '');
}

const segment = (value: string): string => encodeURIComponent(value);

/**
 * `<proxy>/#/agents/<agentId>/frameworks/<frameworkId>/executors/<taskId>/browse`, the path the
 * original built, with the attempt's task ID (a command task's executor ID is its task ID).
 */
export function sandboxUrl(proxyBaseUrl: string | undefined, attempt: AttemptRef): string | undefined {
  const root = base(proxyBaseUrl);
  if (root === undefined || !attempt.agentId || !attempt.frameworkId) return undefined;
  return `${root}/#/agents/${segment(attempt.agentId)}/frameworks/${segment(attempt.frameworkId)}`
    + `/executors/${segment(attempt.taskId)}/browse`;
}

/** The framework ID the driver of this attempt registers with: `<dispatcher framework>-<taskId>`. */
export function driverFrameworkId(attempt: AttemptRef): string | undefined {
  return attempt.frameworkId ? `${attempt.frameworkId}-${attempt.taskId}` : undefined;
}

/** `<history>/history/<driverFrameworkId>`: the Spark application ID of a Mesos driver. */
export function historyUrl(historyServerUrl: string | undefined, attempt: AttemptRef): string | undefined {
  const root = base(historyServerUrl);
  const appId = driverFrameworkId(attempt);
  if (root === undefined || appId === undefined) return undefined;
  return `${root}/history/${segment(appId)}`;
}
