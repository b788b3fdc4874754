/** Pages of a list, alike for every list the API answers (jobs, codes): the query fields and the answer's `pagination`. */
import { Type, type Static } from '@sinclair/typebox';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `page` and `limit`, to spread into a list's query schema. */
export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })),
};

export const Pagination = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
});
export type Pagination = Static<typeof Pagination>;

/** The page asked for, with the defaults filled in. */
export function pageOf(query: { page?: number | undefined; limit?: number | undefined }): {
  page: number;
  limit: number;
} {
  return { page: query.page ?? 1, limit: query.limit ?? DEFAULT_PAGE_SIZE };
}

export function pagination(page: number, limit: number, total: number): Pagination {
  return { page, limit, total, pages: Math.ceil(total / limit) };
}
