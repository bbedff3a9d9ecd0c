import type { FC } from 'hono/jsx';

/** The outcome of a form post, shown above the page's content. */
export interface Notice { tone: 'ok' | 'bad'; text: string }

/** A notice line: a failure is announced at once (`alert`), a success politely (`status`). */
export const NoticeLine: FC<{ notice?: Notice }> = ({ notice }) =>
  notice ? <p class={`notice ${notice.tone}`} role={notice.tone === 'bad' ? 'alert' : 'status'}>{notice.text}</p> : null;
