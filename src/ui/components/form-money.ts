import { toMinor } from '../../domain/money';
import { ValidationError } from '../../errors';

const str = (x: unknown) => (typeof x === 'string' ? x.trim() : '');

/** A decimal from a form in minor units of `currency`; blank is undefined, a bad one a field error naming `field`. */
export function minorOf(x: unknown, currency: string, field: string): number | undefined {
  const s = str(x);
  if (s === '') return undefined;
  try {
    return toMinor(s, currency);
  } catch {
    throw new ValidationError([{ path: field, message: 'a decimal amount' }]);
  }
}

/**
 * The `apply_<id>` fields of a payment form (an amount per bill or invoice), in minor units; blank
 * and zero ones are left out. A bad amount is a field error `applications.<id>`.
 */
export function formApplications(f: Record<string, unknown>, currency: string): Array<{ id: string; amountMinor: number }> {
  return Object.keys(f).filter((k) => k.startsWith('apply_'))
    .map((k) => ({ id: k.slice(6), amountMinor: minorOf(f[k], currency, `applications.${k.slice(6)}`) }))
    .filter((a): a is { id: string; amountMinor: number } => a.amountMinor !== undefined && a.amountMinor !== 0);
}
