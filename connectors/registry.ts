import type { Connector } from './kit/connector';
import { amazonConnector } from './amazon/index';
import { distributorConnector } from './distributor/index';
import { manualConnector } from './manual/index';
import { quickbooksConnector } from './quickbooks/index';
import { sandboxConnector } from './sandbox/index';
import { shopifyConnector } from './shopify/index';
import { squareConnector } from './square/index';
import { woocommerceConnector } from './woocommerce/index';
import { stripeConnector } from './stripe/index';
import { xeroConnector } from './xero/index';

/** Every connector type the hub knows, by `type`. */
export const connectorRegistry: Record<string, Connector<any>> = {
  [manualConnector.type]: manualConnector,
  [amazonConnector.type]: amazonConnector,
  [distributorConnector.type]: distributorConnector,
  [sandboxConnector.type]: sandboxConnector,
  [shopifyConnector.type]: shopifyConnector,
  [squareConnector.type]: squareConnector,
  [woocommerceConnector.type]: woocommerceConnector,
  [stripeConnector.type]: stripeConnector,
  [xeroConnector.type]: xeroConnector,
  [quickbooksConnector.type]: quickbooksConnector,
};

export function getConnector(type: string): Connector<any> | undefined {
  return Object.hasOwn(connectorRegistry, type) ? connectorRegistry[type] : undefined;
}

export function listConnectors(): Connector<any>[] {
  return Object.values(connectorRegistry);
}
