/**
 * @module errors
 * Every error berth raises carries a kind. The kind decides the HTTP status in exactly one
 * place (`httpStatus`), the way moby's errdefs categories do; messages use Docker's wording so
 * the docker CLI, compose and dockerode see what they expect.
 */

export type ErrorKind =
  | 'invalidParameter' // 400: the request is malformed or asks for something impossible
  | 'forbidden' //        403: well-formed but not allowed (predefined network, active endpoints, pool overlap)
  | 'notFound' //         404: no such container, image, network
  | 'conflict' //         409: name taken, already attached, container running
  | 'notModified' //      304: start an already running container
  | 'notImplemented' //   501: a Docker feature berth does not have
  | 'unavailable' //      503: exhausted pools, no free ports
  | 'system'; //          500: the kernel or a helper process failed

const STATUS: Record<ErrorKind, number> = {
  invalidParameter: 400,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  notModified: 304,
  notImplemented: 501,
  unavailable: 503,
  system: 500,
};

export class BerthError extends Error {
  override readonly name = 'BerthError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const invalidParameter = (message: string, cause?: unknown) => new BerthError('invalidParameter', message, { cause });
export const forbidden = (message: string, cause?: unknown) => new BerthError('forbidden', message, { cause });
export const notFound = (message: string, cause?: unknown) => new BerthError('notFound', message, { cause });
export const conflict = (message: string, cause?: unknown) => new BerthError('conflict', message, { cause });
export const notModified = (message: string) => new BerthError('notModified', message);
export const notImplemented = (message: string) => new BerthError('notImplemented', message);
export const unavailable = (message: string, cause?: unknown) => new BerthError('unavailable', message, { cause });
export const systemError = (message: string, cause?: unknown) => new BerthError('system', message, { cause });

export function isBerthError(err: unknown, kind?: ErrorKind): err is BerthError {
  return err instanceof BerthError && (kind === undefined || err.kind === kind);
}

/** The one mapping from an error to an HTTP status. Unknown errors are system errors. */
export function httpStatus(err: unknown): number {
  return err instanceof BerthError ? STATUS[err.kind] : 500;
}

/** Prefix a message while keeping the kind (netavark's `wrap`): "error while removing network: ...". */
export function wrapError(err: unknown, context: string): BerthError {
  if (err instanceof BerthError) return new BerthError(err.kind, `${context}: ${err.message}`, { cause: err });
  return systemError(`${context}: ${errorMessage(err)}`, err);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Like `runAll`, for steps that do not depend on each other: they run concurrently. */
export async function settleAll(steps: Array<() => Promise<unknown> | unknown>, context: string): Promise<void> {
  const results = await Promise.allSettled(steps.map(async (step) => step()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1) throw wrapError(failures[0], context);
  if (failures.length > 1) throw systemError(`${context}: ${failures.map(errorMessage).join('; ')}`, new AggregateError(failures));
}

/**
 * Teardown never stops at the first failure (CNI DEL semantics): run every step, then throw one
 * error that lists what failed, or nothing.
 */
export async function runAll(steps: Array<() => Promise<unknown> | unknown>, context: string): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length === 1) throw wrapError(failures[0], context);
  if (failures.length > 1) throw systemError(`${context}: ${failures.map(errorMessage).join('; ')}`, new AggregateError(failures));
}
