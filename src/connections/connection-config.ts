import type { Connector, ConnectorRuntime } from '../../connectors/kit/connector';
import type { Ctx } from '../context';
import { ValidationError, zodFieldErrors } from '../errors';
import { isSealed, type SecretBox } from './secret-box';

/** Config fields that hold a URL the hub will call; checked against the egress guard. */
export const URL_FIELDS = ['baseUrl', 'siteUrl'] as const;

/** Validates a connection's config against its connector's schema; errors name `config.<field>`. */
export function parseConfig(connector: Connector<any>, config: unknown): Record<string, unknown> {
  const parsed = connector.configSchema.safeParse(config);
  if (!parsed.success) {
    throw new ValidationError(zodFieldErrors(parsed.error.issues).map((e) => ({ ...e, path: `config.${e.path}` })));
  }
  return parsed.data as Record<string, unknown>;
}

/** Seals every secret field (AES-256-GCM) before the config is stored. */
export function sealConfig(connector: Connector<any>, config: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const f of connector.secretFields) {
    const v = out[f];
    if (typeof v === 'string') out[f] = box.seal(v);
  }
  return out;
}

/** Opens sealed secret fields, for the connector only; never for responses or logs. */
export function openConfig(connector: Connector<any>, stored: Record<string, unknown>, box: SecretBox): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const f of connector.secretFields) {
    const v = out[f];
    if (isSealed(v)) out[f] = box.open(v);
  }
  return out;
}

/** The config as the API shows it: secret fields removed, with the list of the ones that are set. */
export function publicConfig(connector: Connector<any> | undefined, stored: Record<string, unknown>) {
  const secretFields = new Set(connector?.secretFields ?? []);
  const config: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  for (const [k, v] of Object.entries(stored)) {
    if (secretFields.has(k) || isSealed(v)) {
      if (v !== undefined && v !== null) secretsSet.push(k);
    } else config[k] = v;
  }
  return { config, secretsSet: secretsSet.sort() };
}

/**
 * What every outbound call to a channel or accounting system takes from the hub's config: the egress
 * guard, the rate budget shared through Redis and the key namespace. Spread into a ConnectorRuntime
 * or an HttpClient's options.
 */
export function connectorKit(ctx: Pick<Ctx, 'config'>): Pick<ConnectorRuntime<unknown>, 'allowedPrivateHosts' | 'redisUrl' | 'keyPrefix'> {
  return { allowedPrivateHosts: ctx.config.allowedPrivateHosts, redisUrl: ctx.config.redisUrl, keyPrefix: ctx.config.queuePrefix };
}
