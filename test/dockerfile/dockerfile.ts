// Just enough of Docker's build-file and .dockerignore rules to check a Dockerfile without a
// Docker engine: instructions (line continuations, comments, global ARGs in FROM), stages,
// COPY sources and flags, ENV/LABEL pairs, exec-form ENTRYPOINT, and context exclusion.

export interface Instruction {
  readonly keyword: string;
  /** The arguments as written, continuations joined. */
  readonly args: string;
  readonly line: number;
}

export interface Copy {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  /** The image after global ARG substitution. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
}

export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { keyword: string; parts: string[]; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    // Comment lines are dropped, even inside a continuation (as Docker does).
    if (/^\s*#/.test(line)) return;
    if (pending === undefined) {
      if (line.trim() === '') return;
      const m = /^\s*(\S+)\s*(.*)$/.exec(line)!;
      pending = { keyword: m[1]!.toUpperCase(), parts: [], line: index + 1 };
      const rest = m[2] ?? '';
      if (rest.endsWith('\\')) pending.parts.push(rest.slice(0, -1));
      else {
        out.push({ keyword: pending.keyword, args: rest.trim(), line: pending.line });
        pending = undefined;
      }
      return;
    }
    if (line.endsWith('\\')) pending.parts.push(line.slice(0, -1));
    else {
      pending.parts.push(line);
      out.push({ keyword: pending.keyword, args: pending.parts.join(' ').replace(/\s+/g, ' ').trim(), line: pending.line });
      pending = undefined;
    }
  });
  if (pending !== undefined) throw new Error(`line ${pending.line}: the file ends inside a line continuation`);
  return out;
}

/** `${NAME}` and `$NAME` replaced from `vars`; unknown names become empty, as in Docker. */
export function substitute(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string | undefined, b: string | undefined) => vars.get(a ?? b ?? '') ?? '');
}

/** Whitespace-separated words; double or single quotes group and are removed. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g)) {
    out.push(m[0].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_q, d: string | undefined, s: string | undefined) => (d ?? s ?? '').replace(/\\(.)/g, '$1')));
  }
  return out;
}

/** `KEY=value` pairs of ENV, LABEL or ARG. */
export function pairs(args: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const word of words(args)) {
    const at = word.indexOf('=');
    out.set(at < 0 ? word : word.slice(0, at), at < 0 ? '' : word.slice(at + 1));
  }
  return out;
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string>();
  const stages: { name: string; image: string; instructions: Instruction[] }[] = [];
  for (const ins of instructions(text)) {
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = words(substitute(ins.args, globalArgs));
      stages.push({ name: as?.toUpperCase() === 'AS' && name !== undefined ? name : String(stages.length), image, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
      for (const [key, value] of pairs(ins.args)) globalArgs.set(key, value);
    } else {
      stages[stages.length - 1]!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

export function copies(stage: Stage): Copy[] {
  return stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map((i) => {
    const all = words(i.args);
    const flags = all.filter((w) => w.startsWith('--'));
    const paths = all.filter((w) => !w.startsWith('--'));
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] ?? '', line: i.line };
  });
}

/** The values of every instruction `keyword` in the stage, in order. */
export function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The WORKDIR in effect after the stage's last WORKDIR (absolute; `/` when none). */
export function workdir(stage: Stage): string {
  let dir = '/';
  for (const w of all(stage, 'WORKDIR')) dir = w.startsWith('/') ? w : `${dir.replace(/\/$/, '')}/${w}`;
  return dir;
}

// ---------------------------------------------------------------------------------------------
// .dockerignore, as moby's patternmatcher reads it: one pattern a line, `#` comments, `!`
// exceptions, `*` and `?` within a path segment, `**` across them; a pattern that matches a
// directory matches everything in it; the last pattern that matches decides.

interface IgnoreRule { readonly negate: boolean; readonly regex: RegExp }

export function ignoreRules(text: string): IgnoreRule[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((line) => {
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.\//, '');
    let source = '';
    for (let i = 0; i < pattern.length; i += 1) {
      const c = pattern[i]!;
      if (c === '*' && pattern[i + 1] === '*') {
        source += '.*';
        i += 1;
        if (pattern[i + 1] === '/') i += 1;
      } else if (c === '*') source += '[^/]*';
      else if (c === '?') source += '[^/]';
      else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return { negate, regex: new RegExp(`^${source}$`) };
  });
}

/** Whether a context path (relative, `/`-separated) is left out of the build context. */
export function isIgnored(path: string, rules: readonly IgnoreRule[]): boolean {
  const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
  const segments = clean.split('/');
  const candidates = segments.map((_s, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.negate;
  }
  return ignored;
}
