// Optional authentication for the REST API, which Spark's dispatcher never had (anyone who could
// reach port 7077 could run code: reference §11.6 item 30). A bearer token or basic credentials
// are fixed at start-up and compared in constant time. spark-submit cannot send credentials, so
// turning this on is for curl, scripts and other clients that can.
import { createHash, timingSafeEqual } from 'node:crypto';

export type RestAuth =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

export interface Authenticator {
  /** Whether the request's `Authorization` header carries the configured credentials. */
  accepts(authorization: string | undefined): boolean;
  /** The `WWW-Authenticate` challenge sent with a 401. */
  readonly challenge: string;
}

const REALM = 'spark-rest';

/** Builds the check; throws on an unusable configuration (empty secret, ':' in a user name). */
export function createAuthenticator(auth: RestAuth): Authenticator {
  // Digests have a fixed length, so comparing them leaks neither the secret nor its length.
  const digest = (bytes: Buffer): Buffer => createHash('sha256').update(bytes).digest();
  switch (auth.kind) {
    case 'bearer': {
      if (auth.token === '') throw new Error('REST authentication: the bearer token must not be empty');
      const expected = digest(Buffer.from(auth.token, 'utf8'));
      return {
        challenge: `Bearer realm="${REALM}"`,
        accepts: (header) => {
          const presented = credentialsOf(header, 'bearer');
          return presented !== undefined && timingSafeEqual(digest(Buffer.from(presented, 'utf8')), expected);
        },
      };
    }
    case 'basic': {
      if (auth.username === '' || auth.password === '') throw new Error('REST authentication: the user name and password must not be empty');
      if (auth.username.includes(':')) throw new Error('REST authentication: the user name must not contain \':\'');
      const expected = digest(Buffer.from(`${auth.username}:${auth.password}`, 'utf8'));
      return {
        challenge: `Basic realm="${REALM}", charset="UTF-8"`,
        accepts: (header) => {
          const presented = credentialsOf(header, 'basic');
          return presented !== undefined && timingSafeEqual(digest(Buffer.from(presented, 'base64')), expected);
        },
      };
    }
  }
}

/** The credentials after the scheme (matched case-insensitively), or undefined. */
function credentialsOf(header: string | undefined, scheme: string): string | undefined {
  const match = header === undefined ? null : /^([A-Za-z]+) +(\S+) *$/.exec(header);
  if (!match || match[1]?.toLowerCase() !== scheme) return undefined;
  return match[2];
}
