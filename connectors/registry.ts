import type { Connector } from './kit/connector';
import { manualConnector } from './manual/index';
import { quickbooksConnector } from './quickbooks/index';
import { sandboxConnector } from './sandbox/index';
import { stripeConnector } from './stripe/index';
import { xeroConnector } from './xero/index';

/** Every connector type the hub knows, by `type`. */
export const connectorRegistry: Record<string, Connector<any>> = {
  [manualConnector.type]: manualConnector,
  [sandboxConnector.type]: sandboxConnector,
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
