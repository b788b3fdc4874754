/**
 * POST /api/sheets: codes laid out on label sheets (a built-in template or a custom grid), as
 * one PDF, or as JSON (`Accept: application/json`) with each label's place and warnings.
 * A sheet is all or nothing: when a label cannot be drawn the answer is a 400 listing every
 * such label, so no label goes missing from a printed sheet unnoticed.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, HttpError } from '../errors.js';
import { renderSheet, SheetLabelResult, SheetRequest, type SheetResult } from '../../lib/index.js';

const SheetJson = Type.Object({
  pages: Type.Integer(),
  pdf: Type.String({ description: 'The PDF, base64.' }),
  labels: Type.Array(SheetLabelResult),
});

export interface SheetRouteOptions {
  bodyLimit: number;
}

/** Labels listed in a message at most; the count says how many more. */
const LISTED = 10;

function refuseFailures(result: SheetResult): void {
  const failed = result.labels.flatMap((l, i) => (l.success ? [] : [{ i, l }]));
  if (failed.length === 0) return;
  const listed = failed
    .slice(0, LISTED)
    .map(
      ({ i, l }) =>
        `labels[${i}]${l.id !== String(i) ? ` (id ${JSON.stringify(l.id)})` : ''}: ${l.success ? '' : `${l.error.code}: ${l.error.message}`}`,
    );
  const more = failed.length > LISTED ? `; and ${failed.length - LISTED} more` : '';
  throw new HttpError(
    400,
    `${failed.length} of ${result.labels.length} labels cannot be drawn, so no sheet was made: ${listed.join('; ')}${more}`,
  );
}

/** JSON only when asked for and preferred to PDF: a browser's or curl's default gets the PDF. */
function wantsJson(accept: string | undefined): boolean {
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  const json = types.indexOf('application/json');
  const pdf = types.indexOf('application/pdf');
  return json >= 0 && (pdf < 0 || json < pdf);
}

const sheets: FastifyPluginAsyncTypebox<SheetRouteOptions> = async (app, opts) => {
  app.post(
    '/sheets',
    {
      bodyLimit: opts.bodyLimit,
      schema: {
        tags: ['barcodes'],
        summary: 'Lay codes out on label sheets: one PDF, labels in order, left to right and top to bottom.',
        description:
          'The PDF by default (headers x-sheet-pages and x-sheet-warnings); with Accept: application/json, { pages, pdf (base64), labels } where each label says its page, column, row, scale and warnings. A label that cannot be drawn makes the whole request a 400 that lists them.',
        body: SheetRequest,
        response: {
          200: {
            description: 'The sheet.',
            content: {
              'application/pdf': { schema: Type.String({ format: 'binary' }) },
              'application/json': { schema: SheetJson },
            },
          },
          ...errorResponses(400, 401, 413, 415, 429, 500),
        },
      },
    },
    async (request, reply) => {
      const result = await renderSheet(request.body);
      refuseFailures(result);
      const warnings = result.labels.reduce((n, l) => n + (l.success ? l.warnings.length : 0), 0);
      reply.header('x-sheet-pages', String(result.pages)).header('x-sheet-warnings', String(warnings));
      if (wantsJson(request.headers.accept)) {
        return reply.type('application/json; charset=utf-8').send({
          pages: result.pages,
          pdf: result.pdf.toString('base64'),
          labels: result.labels,
        });
      }
      return (
        reply
          .type('application/pdf')
          .header('content-disposition', 'inline; filename="labels.pdf"')
          // A Buffer is sent as it is; the cast names what its bytes hold.
          .send(result.pdf as unknown as string)
      );
    },
  );
};

export default sheets;
