import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { importDistributorFile } from '../../../connectors/distributor/import-file';
import type { AppEnv } from '../env';
import { json, route } from '../openapi';

const RowError = z.object({ row: z.number().int(), field: z.string(), message: z.string(), orderId: z.string().optional() });
const ImportReport = z.object({
  file: z.string(), sha256: z.string(), format: z.string(), receivedAt: z.string(), units: z.number().int(),
  orders: z.array(z.object({ orderId: z.string(), lines: z.number().int() })),
  errors: z.array(RowError),
  rejectedOrders: z.array(z.string()),
  stored: z.array(z.object({ orderId: z.string(), deliveryId: z.string(), duplicate: z.boolean() })),
  acknowledgements: z.object({ '997': z.string().optional(), '855': z.string().optional() }),
}).meta({ id: 'DistributorImportReport' });

export function distributorRoutes(app: OpenAPIHono<AppEnv>): void {
  route(app, {
    method: 'post', path: '/api/v1/connections/{id}/files', tags: ['connections'],
    summary: 'Upload a distributor order file (EDI X12 850 or CSV)',
    description: 'The body is the file itself; the name comes from the `X-Filename` header or `?filename=`. Each accepted order is stored once per file content (re-uploading the same file stores nothing new). The answer is the file\'s report — every rejected row with its line number and field — and, for X12, the 997 and 855 acknowledgements to send back.',
    request: { params: z.object({ id: z.string() }), query: z.object({ filename: z.string().optional() }) },
    responses: { 200: json(ImportReport, 'Read; see `errors` for rows that were not accepted'), 404: json(z.unknown(), 'Unknown connection'), 409: json(z.unknown(), 'Not a distributor connection') },
  }, async (c) => {
    const content = Buffer.from(await c.req.arrayBuffer());
    const filename = c.req.header('x-filename') ?? c.req.query('filename') ?? '';
    return c.json(await importDistributorFile(c.get('ctx'), { connectionId: c.req.param('id')!, filename, content }), 200);
  });
}
