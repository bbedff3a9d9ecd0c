import { HttpClient } from '../kit/http';
import { refreshTokenGrant, tokenCache } from '../kit/oauth';
import { depositOf, type AccountingJournal } from '../kit/accounting-journal';
import type { QuickBooksConfig } from './index';

/** QuickBooks: per company (realm); the OAuth server per client. */
export const quickbooksRateKeys = (c: { clientId: string; realmId: string }) => ({ api: `qbo:${c.realmId}`, oauth: `qbo-oauth:${c.clientId}` });

/**
 * QuickBooks Online: JournalEntry with `requestid` (QBO's idempotency: a repeated request id answers
 * the first result), minorversion 75, 10 requests a second per realm, OAuth2 refreshed single-flight.
 */
export class QuickBooksClient {
  private readonly api: HttpClient;
  private readonly oauth: HttpClient;
  constructor(
    private readonly config: QuickBooksConfig,
    private readonly o: { connectionId: string; allowedPrivateHosts?: string[]; redisUrl?: string; keyPrefix?: string; onRefreshToken?: (t: string) => Promise<void>; minBackoffMs?: number },
  ) {
    const common = { allowedPrivateHosts: o.allowedPrivateHosts, redisUrl: o.redisUrl, keyPrefix: o.keyPrefix, minBackoffMs: o.minBackoffMs };
    this.oauth = new HttpClient({
      ...common, baseUrl: config.baseUrl ?? 'https://oauth.platform.intuit.com', baseUrlField: 'config.baseUrl',
      rateKey: quickbooksRateKeys(config).oauth, bucket: { capacity: 10, refillPerSecond: 1 }, label: 'quickbooks', retries: 3,
    });
    this.api = new HttpClient({
      ...common, baseUrl: config.baseUrl ?? 'https://quickbooks.api.intuit.com', baseUrlField: 'config.baseUrl',
      rateKey: quickbooksRateKeys(config).api, bucket: { capacity: 10, refillPerSecond: 10 }, label: 'quickbooks', retries: 5,
      auth: async () => ({ authorization: `Bearer ${await this.token()}` }),
      onUnauthorized: () => {
        tokenCache.invalidate(`qbo:${o.connectionId}`);
        return true;
      },
    });
  }

  private token(): Promise<string> {
    return tokenCache.get(`qbo:${this.o.connectionId}`, () =>
      refreshTokenGrant(this.oauth, '/oauth2/v1/tokens/bearer', this.config, async (rotated) => {
        this.config.refreshToken = rotated;
        await this.o.onRefreshToken?.(rotated);
      }),
    );
  }


  /**
   * A deposit into the bank account from the processor's clearing account (QBO Deposit), with the same
   * `requestid` idempotency. A negative payout (money taken back) has no Deposit form: it goes as a
   * journal entry instead.
   */
  async createDeposit(j: AccountingJournal, requestId: string): Promise<string> {
    const d = depositOf(j);
    if (!d || d.direction !== 'in') return this.createJournalEntry(j, requestId);
    const body = {
      TxnDate: j.date, PrivateNote: j.narration, CurrencyRef: { value: j.currency },
      DepositToAccountRef: { value: d.bank },
      Line: [{ Amount: Number(d.amount), DetailType: 'DepositLineDetail', Description: j.narration, DepositLineDetail: { AccountRef: { value: d.clearing } } }],
    };
    const res = await this.api.request({
      method: 'POST', path: `/v3/company/${encodeURIComponent(this.config.realmId)}/deposit`,
      query: { minorversion: 75, requestid: requestId }, body,
    });
    const id = res.json<{ Deposit?: { Id?: string } }>().Deposit?.Id;
    if (!id) throw new Error('quickbooks: the answer names no Deposit Id');
    return id;
  }

  async createJournalEntry(j: AccountingJournal, requestId: string): Promise<string> {
    const body = {
      TxnDate: j.date, PrivateNote: j.narration, CurrencyRef: { value: j.currency },
      Line: j.lines.map((l) => ({
        DetailType: 'JournalEntryLineDetail', Description: l.description, Amount: Number(l.debit ?? l.credit),
        JournalEntryLineDetail: { PostingType: l.debit !== null ? 'Debit' : 'Credit', AccountRef: { value: l.accountCode } },
      })),
    };
    const res = await this.api.request({
      method: 'POST', path: `/v3/company/${encodeURIComponent(this.config.realmId)}/journalentry`,
      query: { minorversion: 75, requestid: requestId }, body,
    });
    const id = res.json<{ JournalEntry?: { Id?: string } }>().JournalEntry?.Id;
    if (!id) throw new Error('quickbooks: the answer names no JournalEntry Id');
    return id;
  }
}
