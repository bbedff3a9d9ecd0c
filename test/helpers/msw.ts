import { setupServer, type SetupServer } from 'msw/node';
import type { RequestHandler } from 'msw';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * msw standing in for an outside platform's HTTP API (never our database or queue). Any request no
 * handler matches fails the test (`onUnhandledRequest: 'error'`), so an unexpected outbound call
 * cannot pass silently. Handlers added with `server.use` inside a test are dropped after it.
 * @example const server = useMswServer(http.post('https://shop.test/graphql', () => HttpResponse.json({})));
 */
export function useMswServer(...handlers: RequestHandler[]): SetupServer {
  const server = setupServer(...handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Records every request msw saw (method + URL), for assertions on what a connector asked. */
export function recordRequests(server: SetupServer): Array<{ method: string; url: URL }> {
  const seen: Array<{ method: string; url: URL }> = [];
  server.events.on('request:start', ({ request }) => {
    seen.push({ method: request.method, url: new URL(request.url) });
  });
  return seen;
}
