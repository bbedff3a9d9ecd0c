import type { Context } from 'hono';
import { stream } from 'hono/streaming';

/**
 * Streams a CSV download from a generator of chunks. The first chunk is pulled before the response
 * starts, so a bad filter is still a 400/404 problem body, not a broken download.
 */
export async function streamCsv(c: Context, chunks: AsyncGenerator<string>, filename: string): Promise<Response> {
  const first = await chunks.next();
  c.header('content-type', 'text/csv; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${filename}"`);
  return stream(c, async (s) => {
    if (!first.done) await s.write(first.value);
    for await (const chunk of chunks) await s.write(chunk);
  });
}
