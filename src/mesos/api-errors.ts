// What the master's HTTP answers mean to a scheduler, as one error type with stable codes.

export type MesosErrorCode =
  | 'MESOS_NOT_SUBSCRIBED'   // no live subscription: the call was not sent, or the master says 403
  | 'MESOS_NOT_LEADER'       // 307 to another master, or 503 while no leader is elected
  | 'MESOS_BAD_REQUEST'      // 400: a bug or a configuration error; the body says which
  | 'MESOS_UNAUTHORIZED'     // 401: wrong principal or secret
  | 'MESOS_UNSUPPORTED'      // 405/406/415/501: the client spoke the protocol wrongly
  | 'MESOS_STALE_OFFER'      // an ACCEPT or DECLINE of an offer that is no longer outstanding
  | 'MESOS_UNAVAILABLE'      // network error, timeout or another 5xx
  | 'MESOS_PROTOCOL';        // malformed frame or undecodable event on the stream

export class MesosApiError extends Error {
  override readonly name = 'MesosApiError';
  readonly code: MesosErrorCode;
  readonly status: number | undefined;

  constructor(code: MesosErrorCode, message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}

export function errorForStatus(status: number, body: string): MesosApiError {
  const text = body.trim();
  const message = `Mesos master answered ${status}${text ? `: ${text}` : ''}`;
  switch (status) {
    case 307:
    case 503:
      return new MesosApiError('MESOS_NOT_LEADER', message, status);
    case 400:
      return new MesosApiError('MESOS_BAD_REQUEST', message, status);
    case 401:
      return new MesosApiError('MESOS_UNAUTHORIZED', message, status);
    case 403:
      return new MesosApiError('MESOS_NOT_SUBSCRIBED', message, status);
    case 405:
    case 406:
    case 415:
    case 501:
      return new MesosApiError('MESOS_UNSUPPORTED', message, status);
    default:
      return new MesosApiError('MESOS_UNAVAILABLE', message, status);
  }
}
