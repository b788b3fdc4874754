import type { JSX } from 'preact';
import type { Pagination } from '../../infra/paging';

/** Previous and next page buttons, with where the list stands. */
export function Pager({ pagination, onPage }: { pagination: Pagination; onPage: (page: number) => void }): JSX.Element {
  const { page, pages, total } = pagination;
  return (
    <nav class="pager" aria-label="Pages of the list">
      <button type="button" class="ghost" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {Math.max(pages, 1)} · {total} in all
      </span>
      <button type="button" class="ghost" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
