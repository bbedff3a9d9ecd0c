import { z } from 'zod';

/** A Shopify connection's config; field names are the portable ones from the connectors issue. */
export const ShopifyConfig = z.object({
  /** The shop's permanent domain, `my-shop.myshopify.com`. */
  shopDomain: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'the shop\'s myshopify.com domain, e.g. my-shop.myshopify.com'),
  /** Admin API access token of a custom app (does not expire). */
  accessToken: z.string().min(1).optional(),
  /** For apps with expiring tokens (client-credentials grant): the token is fetched and refreshed by the hub. */
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  /** Key of the webhook HMAC (the app's client secret); falls back to clientSecret. */
  webhookSecret: z.string().min(1).optional(),
  apiVersion: z.string().regex(/^(\d{4}-\d{2}|unstable)$/, 'a version such as 2026-01').default('2026-01'),
  /** Overrides https://<shopDomain> for every call, token refresh included (sandboxes, proxies, tests). */
  baseUrl: z.string().url().optional(),
  /** Seconds between reconciliation pulls; 0 = only on request. */
  pollIntervalSeconds: z.number().int().min(0).max(86_400).default(300),
  /** Orders per GraphQL page (Shopify allows up to 250; smaller when the query cost demands it). */
  pageSize: z.number().int().min(1).max(250).default(250),
}).superRefine((c, ctx) => {
  if (!c.accessToken && !(c.clientId && c.clientSecret)) {
    ctx.addIssue({ code: 'custom', path: ['accessToken'], message: 'give accessToken, or clientId and clientSecret' });
  }
});
export type ShopifyConfig = z.infer<typeof ShopifyConfig>;
