import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** The HTTP ceiling: a bare hono endpoint that reads the body and answers 200. */
const app = new Hono();
app.get('/ready', (c) => c.text('ok'));
app.post('/webhooks/:id', async (c) => {
  await c.req.arrayBuffer();
  return c.json({ received: true });
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
