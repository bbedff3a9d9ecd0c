/** The languages the hub speaks. BCP 47 tags as browsers send them. */
export const locales = ['en', 'zh-CN', 'zh-TW'] as const;
export type Locale = (typeof locales)[number];

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (locales as readonly string[]).includes(v);
}

/**
 * Maps one language tag to a supported locale. Traditional-script regions (TW, HK, MO) and the
 * `Hant` script go to zh-TW; every other Chinese tag (zh, zh-Hans, zh-SG) to zh-CN.
 */
export function matchLocale(tag: string): Locale | null {
  const t = tag.trim().toLowerCase();
  if (!t) return null;
  if (t === 'en' || t.startsWith('en-')) return 'en';
  if (t === 'zh' || t.startsWith('zh-')) {
    return /(^|-)(hant|tw|hk|mo)(-|$)/.test(t) ? 'zh-TW' : 'zh-CN';
  }
  return null;
}

/** Picks from an Accept-Language header by q-value; null when nothing matches. */
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.split(';');
      const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qp ? Number(qp.slice(2)) : 1;
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const m = matchLocale(r.tag);
    if (m) return m;
  }
  return null;
}

/** The person's choice (cookie) first, then the browser's Accept-Language, then the business default. */
export function negotiateLocale(opts: { preference?: string | null; acceptLanguage?: string | null; fallback: Locale }): Locale {
  if (isLocale(opts.preference)) return opts.preference;
  return fromAcceptLanguage(opts.acceptLanguage) ?? opts.fallback;
}
