import type { Connector } from './kit/connector';
import { manualConnector } from './manual/index';
import { sandboxConnector } from './sandbox/index';
import { shopifyConnector } from './shopify/index';
import { woocommerceConnector } from './woocommerce/index';

/** Every connector type the hub knows, by `type`. */
export const connectorRegistry: Record<string, Connector<any>> = {
  [manualConnector.type]: manualConnector,
  [sandboxConnector.type]: sandboxConnector,
  [shopifyConnector.type]: shopifyConnector,
  [woocommerceConnector.type]: woocommerceConnector,
};

export function getConnector(type: string): Connector<any> | undefined {
  return Object.hasOwn(connectorRegistry, type) ? connectorRegistry[type] : undefined;
}

export function listConnectors(): Connector<any>[] {
  return Object.values(connectorRegistry);
}
