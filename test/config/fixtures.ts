// In-memory files for config tests: a ReadTextFile over a record, which also records what was
// read, and can be told that a path is unreadable.
import type { ReadTextFile } from '../../src/config/system.ts';

/** File content that makes the reader throw, as an unreadable file does. */
export const UNREADABLE = '\u0000unreadable';

export interface MemoryFiles {
  readonly readFile: ReadTextFile;
  readonly reads: string[];
}

export function memoryFiles(files: Readonly<Record<string, string>>): MemoryFiles {
  const reads: string[] = [];
  const readFile: ReadTextFile = (path) => {
    reads.push(path);
    const content = files[path];
    if (content === UNREADABLE) throw new Error(`EACCES: permission denied, open '${path}'`);
    return content;
  };
  return { readFile, reads };
}

export const SYSTEM = { hostname: 'dispatcher-host', username: 'spark' } as const;
