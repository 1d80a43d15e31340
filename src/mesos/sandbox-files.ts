// Reading a file in an executor's sandbox the way the Mesos UI does: the agent's address from the
// master's `/master/slaves` (the leading master; a standby redirects), then the agent's own
// `/files/read` under the virtual path the agent attaches for the executor,
// `/frameworks/<framework>/executors/<executor>/runs/latest/<file>`. The agent keeps that path
// until it garbage-collects the sandbox, so a finished executor's files stay readable until then.
// Offsets and lengths mean what they mean to the agent: offset -1 answers the file's size.

export interface MesosCredentials { readonly principal: string; readonly secret: string }

export interface SandboxFilesOptions {
  /** Master origins in the order to try, asked for at each lookup (the leader may change). */
  readonly masters: () => readonly string[];
  /** Sent to masters and agents that require HTTP authentication. */
  readonly credentials?: MesosCredentials | undefined;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

export interface SandboxFile {
  readonly agentId: string;
  readonly frameworkId: string;
  readonly executorId: string;
  /** A file name in the sandbox, such as `stdout`. */
  readonly file: string;
}

export type SandboxRead =
  | { readonly kind: 'read'; readonly offset: number; readonly data: string }
  /** The agent answers, but the file (or the whole sandbox) is not there: garbage-collected. */
  | { readonly kind: 'missing'; readonly agentUrl: string }
  /** No registered agent has this ID. */
  | { readonly kind: 'agent-gone' }
  | { readonly kind: 'unreachable'; readonly message: string };

/** Reads sandbox files; SandboxFiles does it over HTTP. */
export interface SandboxReader {
  read(target: SandboxFile, offset: number, length?: number): Promise<SandboxRead>;
}

interface AgentJson { readonly id?: unknown; readonly pid?: unknown; readonly hostname?: unknown; readonly port?: unknown }

export class SandboxFiles implements SandboxReader {
  private readonly options: SandboxFilesOptions;
  /** Agent addresses seen; an entry goes when the agent stops answering. */
  private readonly agents = new Map<string, string>();

  constructor(options: SandboxFilesOptions) {
    this.options = options;
  }

  /** One `/files/read` (offset -1: the size), at most 16 pages as the agent caps it. */
  async read(target: SandboxFile, offset: number, length?: number): Promise<SandboxRead> {
    let agentUrl: string | undefined;
    try {
      agentUrl = await this.agentUrl(target.agentId);
    } catch (error) {
      return { kind: 'unreachable', message: `cannot ask the Mesos master where agent ${target.agentId} is: ${messageOf(error)}` };
    }
    if (agentUrl === undefined) return { kind: 'agent-gone' };
    const path = `/frameworks/${target.frameworkId}/executors/${target.executorId}/runs/latest/${target.file}`;
    const query = new URLSearchParams({ path, offset: String(offset), ...(length === undefined ? {} : { length: String(length) }) });
    let response: Response;
    try {
      response = await this.get(`${agentUrl}/files/read?${query.toString()}`);
    } catch (error) {
      // Gone since we learnt its address, or only unreachable? The master knows.
      this.agents.delete(target.agentId);
      if (await this.agentUrl(target.agentId).catch(() => agentUrl) === undefined) return { kind: 'agent-gone' };
      return { kind: 'unreachable', message: `agent ${target.agentId} at ${agentUrl} does not answer: ${messageOf(error)}` };
    }
    const body = await response.text();
    if (response.status === 404) return { kind: 'missing', agentUrl };
    if (response.status !== 200) {
      return { kind: 'unreachable', message: `agent ${target.agentId} at ${agentUrl} answered ${response.status}${body.trim() ? `: ${body.trim()}` : ''}` };
    }
    const parsed = parseRead(body);
    return parsed ?? { kind: 'unreachable', message: `agent ${target.agentId} at ${agentUrl} answered something other than {data, offset}` };
  }

  private async agentUrl(agentId: string): Promise<string | undefined> {
    const known = this.agents.get(agentId);
    if (known !== undefined) return known;
    let lastError: unknown = new Error('no Mesos master configured');
    for (const master of this.options.masters()) {
      try {
        // A standby master redirects to the leader; fetch follows.
        const response = await this.get(`${master}/master/slaves`);
        if (response.status !== 200) throw new Error(`${master} answered ${response.status}`);
        const { slaves } = (await response.json()) as { slaves?: AgentJson[] };
        for (const agent of slaves ?? []) {
          const url = agentOrigin(agent, master);
          if (typeof agent.id === 'string' && url !== undefined) this.agents.set(agent.id, url);
        }
        return this.agents.get(agentId);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  private get(url: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const credentials = this.options.credentials;
    if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`).toString('base64')}`;
    return fetch(url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
  }
}

/** `slave(1)@10.0.0.7:5051` gives `http://10.0.0.7:5051` (the master's scheme); else hostname and port. */
function agentOrigin(agent: AgentJson, master: string): string | undefined {
  const scheme = new URL(master).protocol;
  const fromPid = typeof agent.pid === 'string' ? /@([^@/]+)$/.exec(agent.pid)?.[1] : undefined;
  if (fromPid !== undefined) return `${scheme}//${fromPid}`;
  if (typeof agent.hostname === 'string' && typeof agent.port === 'number') return `${scheme}//${agent.hostname}:${agent.port}`;
  return undefined;
}

function parseRead(body: string): SandboxRead | undefined {
  try {
    const json = JSON.parse(body) as { data?: unknown; offset?: unknown };
    if (typeof json.data === 'string' && typeof json.offset === 'number') return { kind: 'read', data: json.data, offset: json.offset };
  } catch {
    // not JSON
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
