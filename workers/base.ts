import type { Ctx } from '../src/context';
import { AppError } from '../src/errors';
import { jobCatalogue, type JobName, type ParsedJobPayload } from '../src/queue/catalogue';
import { PermanentJobError, type Dispatch } from '../src/queue/port';
import { withLogScope } from '../src/logger';

export type Processor<N extends JobName> = (ctx: Ctx, payload: ParsedJobPayload<N>, meta: { id: string; attempt: number; maxAttempts: number }) => Promise<unknown>;
export type ProcessorMap = { [N in JobName]: Processor<N> };

/**
 * The base processor: parse the payload with the catalogue's schema (an invalid payload fails once,
 * without retries), run the verb, and turn typed non-retryable errors into permanent failures.
 */
export function createDispatch(ctx: Ctx, processors: ProcessorMap): Dispatch {
  // Every log line written while the job runs carries its job id (AsyncLocalStorage, see src/logger.ts).
  return (name, payload, meta) => withLogScope({ job: name, jobId: meta.id, requestId: undefined }, async () => {
    const def = jobCatalogue[name];
    const parsed = def.payload.safeParse(payload);
    if (!parsed.success) throw new PermanentJobError(`invalid payload for ${name}: ${parsed.error.message}`);
    const log = ctx.log.child({ attempt: meta.attempt });
    const started = performance.now();
    try {
      await (processors[name] as Processor<typeof name>)({ ...ctx, log }, parsed.data as never, meta);
      ctx.jobMetrics?.record(name, (performance.now() - started) / 1000, true);
      log.debug({ ms: Math.round(performance.now() - started) }, 'job done');
    } catch (err) {
      ctx.jobMetrics?.record(name, (performance.now() - started) / 1000, false);
      const permanent = err instanceof PermanentJobError || (err instanceof AppError && !err.retryable);
      log.warn({ err: (err as Error).message, permanent, ms: Math.round(performance.now() - started) }, 'job failed');
      if (permanent && !(err instanceof PermanentJobError)) throw new PermanentJobError((err as Error).message, { cause: err });
      throw err;
    }
  });
}
