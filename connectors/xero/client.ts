import { HttpClient } from '../kit/http';
import { refreshTokenGrant, tokenCache } from '../kit/oauth';
import { KeyedSemaphore } from './concurrency';
import type { XeroConfig } from './index';
import { depositOf, type AccountingJournal } from '../kit/accounting-journal';

const concurrent = new KeyedSemaphore(5);

/** Xero: 60 calls a minute per tenant; the identity server per client. */
export const xeroRateKeys = (c: { clientId: string; tenantId: string }) => ({ api: `xero:${c.tenantId}`, identity: `xero-identity:${c.clientId}` });

/**
 * Xero Accounting API: ManualJournals with an Idempotency-Key, per-tenant throttling (60 calls a
 * minute, 5 at once) and OAuth2 refresh tokens refreshed once however many jobs need a token.
 * Xero rotates refresh tokens: `onRefreshToken` stores the new one.
 */
export class XeroClient {
  private readonly api: HttpClient;
  private readonly identity: HttpClient;
  constructor(
    private readonly config: XeroConfig,
    private readonly o: { connectionId: string; allowedPrivateHosts?: string[]; redisUrl?: string; keyPrefix?: string; onRefreshToken?: (t: string) => Promise<void>; minBackoffMs?: number },
  ) {
    const common = { allowedPrivateHosts: o.allowedPrivateHosts, redisUrl: o.redisUrl, keyPrefix: o.keyPrefix, minBackoffMs: o.minBackoffMs };
    this.identity = new HttpClient({
      ...common, baseUrl: config.baseUrl ?? 'https://identity.xero.com', baseUrlField: 'config.baseUrl',
      rateKey: xeroRateKeys(config).identity, bucket: { capacity: 10, refillPerSecond: 1 }, label: 'xero', retries: 3,
    });
    this.api = new HttpClient({
      ...common, baseUrl: config.baseUrl ?? 'https://api.xero.com', baseUrlField: 'config.baseUrl',
      // 60 calls per minute per tenant: one a second, small bursts.
      rateKey: xeroRateKeys(config).api, bucket: { capacity: 5, refillPerSecond: 1 }, label: 'xero', retries: 5,
      auth: async () => ({ authorization: `Bearer ${await this.token()}`, 'xero-tenant-id': config.tenantId }),
      onUnauthorized: () => {
        tokenCache.invalidate(this.tokenKey);
        return true;
      },
    });
  }

  private get tokenKey(): string {
    return `xero:${this.o.connectionId}`;
  }

  private token(): Promise<string> {
    return tokenCache.get(this.tokenKey, () =>
      refreshTokenGrant(this.identity, '/connect/token', this.config, async (rotated) => {
        this.config.refreshToken = rotated;
        await this.o.onRefreshToken?.(rotated);
      }),
    );
  }


  /**
   * Posts a deposit as a bank transaction (RECEIVE into the bank account, from the clearing account;
   * SPEND when a payout was negative), so it can be matched against the bank feed in Xero.
   */
  async createBankTransaction(j: AccountingJournal, idempotencyKey: string): Promise<string> {
    const d = depositOf(j);
    if (!d) throw new Error('xero: not a bank ↔ clearing deposit journal');
    const body = {
      BankTransactions: [{
        Type: d.direction === 'in' ? 'RECEIVE' : 'SPEND',
        Contact: { Name: j.counterparty },
        BankAccount: { Code: d.bank },
        Date: j.date, Reference: j.narration.slice(0, 255), CurrencyCode: j.currency, LineAmountTypes: 'NoTax',
        LineItems: [{ Description: j.narration, Quantity: 1, UnitAmount: Number(d.amount), AccountCode: d.clearing }],
      }],
    };
    const res = await concurrent.run(this.config.tenantId, () =>
      this.api.request({ method: 'POST', path: '/api.xro/2.0/BankTransactions', headers: { 'idempotency-key': idempotencyKey }, body }));
    const id = res.json<{ BankTransactions?: Array<{ BankTransactionID?: string }> }>().BankTransactions?.[0]?.BankTransactionID;
    if (!id) throw new Error('xero: the answer names no BankTransactionID');
    return id;
  }

  /** Posts one manual journal; the same idempotency key never creates a second one at Xero. */
  async createManualJournal(j: AccountingJournal, idempotencyKey: string): Promise<string> {
    const body = {
      ManualJournals: [{
        Narration: j.narration, Date: j.date, Status: 'POSTED', LineAmountTypes: 'NoTax',
        // Xero: positive LineAmount is a debit, negative a credit.
        JournalLines: j.lines.map((l) => ({ AccountCode: l.accountCode, Description: l.description, LineAmount: l.debit !== null ? Number(l.debit) : -Number(l.credit) })),
      }],
    };
    const res = await concurrent.run(this.config.tenantId, () =>
      this.api.request({ method: 'POST', path: '/api.xro/2.0/ManualJournals', headers: { 'idempotency-key': idempotencyKey }, body }));
    const out = res.json<{ ManualJournals?: Array<{ ManualJournalID?: string }> }>();
    const id = out.ManualJournals?.[0]?.ManualJournalID;
    if (!id) throw new Error('xero: the answer names no ManualJournalID');
    return id;
  }
}
