import type { FC } from 'hono/jsx';

/**
 * The links under a paged table: back to the first page (when not on it) and on to the next (when
 * there is one). `id` prefixes their ids (`lines` gives `lines-first` and `lines-next`); nothing is drawn on a single page.
 */
export const Pager: FC<{ id: string; first: string | null; next: string | null; firstLabel: string; nextLabel: string }> = ({ id, first, next, firstLabel, nextLabel }) =>
  first || next ? (
    <p class="pager">
      {first ? <a class="btn" id={`${id}-first`} href={first}>{firstLabel}</a> : <span></span>}
      {next && <a class="btn" rel="next" id={`${id}-next`} href={next}>{nextLabel}</a>}
    </p>
  ) : null;
