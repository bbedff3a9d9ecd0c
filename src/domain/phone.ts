import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Country calling codes whose numbers are often written with a `00` international prefix even where
 * that country's own prefix differs (Taiwan dials 002, so libphonenumber reads `00886…` as national).
 */
const DOUBLE_ZERO_CODES = ['86', '886', '852', '853'];

/**
 * A phone number as E.164 (`+8613800138000`), or null when it is not a valid number.
 * Accepts local formats of the default region (the address country: `0912-345-678` in TW,
 * `138 0013 8000` in CN, `9123 4567` in HK), international forms with `+`, `00` or the bare calling
 * code (`886912345678`), spaces, dashes, dots, brackets and full-width digits (`＋８６ １３８…`).
 * @example normalizePhone('0912-345-678', 'TW') // '+886912345678'
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry?: string | null): string | null {
  if (!raw) return null;
  // NFKC turns full-width digits, plus signs and brackets into ASCII; ideographic spaces into spaces.
  let s = raw.normalize('NFKC').trim();
  if (!/\d/.test(s)) return null;
  // Extensions are not part of the identity of a line.
  s = s.replace(/\s*(?:ext\.?|x|#|分機|分机|转|轉)\s*\d+$/i, '');
  const compact = s.replace(/[\s().\-/]/g, '');
  if (/^00\d/.test(compact)) {
    const rest = compact.slice(2);
    if (DOUBLE_ZERO_CODES.some((c) => rest.startsWith(c))) s = `+${rest}`;
  }
  const region = defaultCountry && /^[A-Za-z]{2}$/.test(defaultCountry) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  try {
    const p = parsePhoneNumberFromString(s, region ? { defaultCountry: region } : undefined);
    if (p?.isValid()) return p.number;
    // A number written without `+` but with its calling code (`8613800138000`) outside its country.
    if (!s.startsWith('+') && /^\d{10,15}$/.test(compact)) {
      const q = parsePhoneNumberFromString(`+${compact}`);
      if (q?.isValid()) return q.number;
    }
  } catch {
    return null;
  }
  return null;
}
