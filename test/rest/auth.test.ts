// The credential check on its own: schemes, header shapes, and what counts as a match.
import { createAuthenticator } from '../../src/rest/auth.ts';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('bearer', () => {
  const auth = createAuthenticator({ kind: 'bearer', token: 'tok-123' });
  test.each<[string | undefined, boolean]>([
    ['Bearer tok-123', true],
    ['bearer tok-123', true],
    ['BEARER   tok-123 ', true],
    [undefined, false],
    ['', false],
    ['Bearer', false],
    ['Bearer tok-12', false],
    ['Bearer tok-1234', false],
    ['Bearer tok-123 extra', false],
    ['Basic tok-123', false],
    [`Basic ${b64('tok-123')}`, false],
    ['tok-123', false],
  ])('%j → %p', (header, accepted) => {
    expect(auth.accepts(header)).toBe(accepted);
  });
});

describe('basic', () => {
  const auth = createAuthenticator({ kind: 'basic', username: 'spark', password: 'pä:ss' });
  test.each<[string | undefined, boolean]>([
    [`Basic ${b64('spark:pä:ss')}`, true],
    [`basic ${b64('spark:pä:ss')}`, true],
    [`Basic ${b64('spark:pä:s')}`, false],
    [`Basic ${b64('Spark:pä:ss')}`, false],
    [`Basic ${b64('spark')}`, false],
    [`Bearer ${b64('spark:pä:ss')}`, false],
    ['Basic !!!', false],
    [undefined, false],
  ])('%j → %p', (header, accepted) => {
    expect(auth.accepts(header)).toBe(accepted);
  });
});
