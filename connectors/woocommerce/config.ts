import { z } from 'zod';

/** A WooCommerce connection's config (REST API v3 keys from WooCommerce → Settings → Advanced → REST API). */
export const WooConfig = z.object({
  /** The store's address, e.g. https://shop.example.com (the REST API lives under /wp-json/wc/v3). */
  siteUrl: z.string().url(),
  consumerKey: z.string().min(1),
  consumerSecret: z.string().min(1),
  /** Secret set on the store's webhooks (X-WC-Webhook-Signature). */
  webhookSecret: z.string().min(1).optional(),
  /** Overrides siteUrl for API calls (proxies, sandboxes, tests). */
  baseUrl: z.string().url().optional(),
  pollIntervalSeconds: z.number().int().min(0).max(86_400).default(300),
  /** Orders per page (WooCommerce allows up to 100). */
  pageSize: z.number().int().min(1).max(100).default(100),
});
export type WooConfig = z.infer<typeof WooConfig>;
