import type { Connector } from './kit/connector';
import { amazonConnector } from './amazon/index';
import { distributorConnector } from './distributor/index';
import { manualConnector } from './manual/index';
import { sandboxConnector } from './sandbox/index';
import { shopifyConnector } from './shopify/index';
import { squareConnector } from './square/index';
import { woocommerceConnector } from './woocommerce/index';

/** Every connector type the hub knows, by `type`. */
export const connectorRegistry: Record<string, Connector<any>> = {
  [manualConnector.type]: manualConnector,
  [amazonConnector.type]: amazonConnector,
  [distributorConnector.type]: distributorConnector,
  [sandboxConnector.type]: sandboxConnector,
  [shopifyConnector.type]: shopifyConnector,
  [squareConnector.type]: squareConnector,
  [woocommerceConnector.type]: woocommerceConnector,
};

export function getConnector(type: string): Connector<any> | undefined {
  return Object.hasOwn(connectorRegistry, type) ? connectorRegistry[type] : undefined;
}

export function listConnectors(): Connector<any>[] {
  return Object.values(connectorRegistry);
}
