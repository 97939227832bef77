import { randomUUID } from 'node:crypto';

/** The request and response header that carries a protocol request's id. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The id a protocol request is logged and answered under: the caller's
 * `X-Request-Id` when it is 1–64 characters of [A-Za-z0-9._-] (so a proxy's
 * id can be followed through), otherwise a new random UUID.
 */
export const resolveRequestId = (incoming: string | null | undefined): string =>
  incoming && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
