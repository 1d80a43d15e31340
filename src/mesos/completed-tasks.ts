// The master's record of a task it no longer runs: `/master/tasks` lists a framework's active,
// unreachable and completed tasks (the completed ones a bounded history, in memory), each with
// its latest state. A reconciliation answer for a task whose agent was removed says only "lost"
// or "unknown"; the record may still say it finished.

export interface CompletedTaskLookupOptions {
  /** Sent when the master requires HTTP authentication. */
  readonly credentials?: { readonly principal: string; readonly secret: string };
  /** Per request; default 5 s. */
  readonly timeoutMs?: number;
}

/** The state the master recorded last for the task (a Mesos state name), or undefined if it has none. */
export async function recordedTaskState(
  master: string, frameworkId: string, taskId: string, options: CompletedTaskLookupOptions = {},
): Promise<string | undefined> {
  const query = new URLSearchParams({ framework_id: frameworkId, task_id: taskId });
  const headers: Record<string, string> = { accept: 'application/json' };
  const { credentials } = options;
  if (credentials !== undefined) headers.authorization = `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`).toString('base64')}`;
  const response = await fetch(`${master}/master/tasks?${query.toString()}`, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  if (response.status !== 200) throw new Error(`${master}/master/tasks answered ${response.status}`);
  const { tasks } = (await response.json()) as { tasks?: { id?: unknown; framework_id?: unknown; state?: unknown }[] };
  const task = (tasks ?? []).find((t) => t.id === taskId && t.framework_id === frameworkId);
  return typeof task?.state === 'string' ? task.state : undefined;
}
