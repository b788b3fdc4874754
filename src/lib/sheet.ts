/**
 * Label sheets: items like a batch's, each with an optional caption, laid out on the labels of
 * a multi-page PDF by the native core (native/core/src/sheet). Each label is checked as a
 * batch item is, and fails alone; a bad layout, or a sheet none of whose labels renders,
 * throws a `BatchcodeError` (`INVALID_SHEET`) whose message names the field.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { canonicalCase, names } from './case.js';
import { BatchcodeError } from './errors.js';
import { LIMITS, SHEET_TEMPLATES } from './facts.js';
import { typeboxMessage } from './messages.js';
import { native } from './native.js';
import { invalidResult, prepareItems } from './prepare.js';
import { BarcodeRequest, ItemError } from './schema.js';

const MAX_CAPTION = 500;
const mm = (description: string) => Type.Number({ description: `${description}, in mm.` });

export const SheetLayout = Type.Object(
  {
    template: Type.Optional(
      names(
        SHEET_TEMPLATES,
        'A built-in sheet (Avery L7160, L7163, L7651 on A4; 5160, 5163, 22805 on US Letter); or leave it out and give a custom grid.',
      ),
    ),
    page: Type.Optional(
      Type.Union(
        [Type.String({ description: '"A4" or "Letter"' }), Type.Object({ width: mm('Width'), height: mm('Height') })],
        {
          description: 'A custom grid\'s page: "A4", "Letter" or { width, height } in mm.',
        },
      ),
    ),
    columns: Type.Optional(Type.Integer({ minimum: LIMITS.sheet_columns.min, maximum: LIMITS.sheet_columns.max })),
    rows: Type.Optional(Type.Integer({ minimum: LIMITS.sheet_rows.min, maximum: LIMITS.sheet_rows.max })),
    label_width: Type.Optional(mm("A custom grid's label width")),
    label_height: Type.Optional(mm("A custom grid's label height")),
    margins: Type.Optional(
      Type.Object(
        { top: Type.Optional(mm('To the first row')), left: Type.Optional(mm('To the first column')) },
        { additionalProperties: false, description: 'Default: the grid centred on the page.' },
      ),
    ),
    gaps: Type.Optional(
      Type.Object(
        { column: Type.Optional(mm('Between columns')), row: Type.Optional(mm('Between rows')) },
        { additionalProperties: false, description: 'Default 0.' },
      ),
    ),
    start_at: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'The first label to use on the first page (1 = top left), to finish a partly used sheet.',
      }),
    ),
    crop_marks: Type.Optional(Type.Boolean({ description: 'Marks in the margins in line with the label edges.' })),
    outline: Type.Optional(Type.Boolean({ description: 'Every label position outlined, for a test print.' })),
    padding: Type.Optional(mm('Blank border inside each label, default 1.5')),
    caption_size: Type.Optional(
      Type.Number({ description: 'Caption size in points, default 9; a caption shrinks (to 5 pt) to fit its label.' }),
    ),
  },
  { additionalProperties: false },
);
export type SheetLayout = Static<typeof SheetLayout>;

export const SheetLabel = Type.Object(
  {
    ...BarcodeRequest.properties,
    caption: Type.Optional(
      Type.String({ maxLength: MAX_CAPTION, description: 'Text under the code, fitted to the label.' }),
    ),
  },
  { additionalProperties: false },
);
export type SheetLabel = Static<typeof SheetLabel>;

export const SheetRequest = Type.Object(
  {
    layout: SheetLayout,
    labels: Type.Array(SheetLabel, { minItems: 1, maxItems: LIMITS.sheet_labels.max }),
  },
  { additionalProperties: false },
);
export type SheetRequest = Static<typeof SheetRequest>;

export const SheetPlaced = Type.Object({
  id: Type.String(),
  success: Type.Literal(true),
  page: Type.Integer({ description: 'From 1.' }),
  column: Type.Integer({ description: 'From 1, left to right.' }),
  row: Type.Integer({ description: 'From 1, top to bottom.' }),
  scale: Type.Number({ description: '1 at the print size; less when scaled down to fit (see warnings).' }),
  warnings: Type.Array(Type.String()),
});
export const SheetLabelResult = Type.Union([
  SheetPlaced,
  Type.Object({ id: Type.String(), success: Type.Literal(false), error: ItemError }),
]);
export type SheetLabelResult = Static<typeof SheetLabelResult>;

export interface SheetResult {
  pdf: Buffer;
  pages: number;
  /** One per label, in order: where it landed, or why it is not on the sheet. */
  labels: SheetLabelResult[];
}

type NativeLabel =
  | { page: number; column: number; row: number; scale: number; warnings: string[] }
  | { error: { code: string; message: string } };

const checkLayout = TypeCompiler.Compile(SheetLayout);

/** The native call's argument, and how to read its labels back. */
function prepareSheet(layout: unknown, labels: unknown) {
  if (!Array.isArray(labels) || labels.length === 0)
    throw new BatchcodeError('INVALID_SHEET', 'labels must be a non-empty array of barcode requests');
  const max = LIMITS.sheet_labels.max;
  if (labels.length > max)
    throw new BatchcodeError('INVALID_SHEET', `a sheet holds at most ${max} labels; got ${labels.length}`);
  const given = canonicalCase(layout, SheetLayout);
  if (!checkLayout.Check(given)) {
    const first = checkLayout.Errors(given).First();
    throw new BatchcodeError('INVALID_SHEET', first ? typeboxMessage(first, 'layout', 'layout') : 'layout is invalid');
  }
  // The caption is the sheet's; the rest of a label is a batch item, checked as one.
  const captions = labels.map((l: unknown) =>
    l !== null && typeof l === 'object' ? (l as { caption?: unknown }).caption : undefined,
  );
  const items = labels.map((l: unknown) => {
    if (l === null || typeof l !== 'object' || !('caption' in l)) return l;
    const { caption: _, ...item } = l as { caption?: unknown };
    return item;
  });
  const { ids, slots, toNative } = prepareItems(items);
  const nativeLabels: object[] = [];
  captions.forEach((caption, i) => {
    const slot = slots[i];
    if (typeof slot !== 'number') return;
    if (caption === undefined || (typeof caption === 'string' && caption.length <= MAX_CAPTION)) {
      slots[i] = nativeLabels.length;
      nativeLabels.push({ ...toNative[slot], caption });
    } else {
      slots[i] = `caption must be a string of at most ${MAX_CAPTION} characters`;
    }
  });
  const json = JSON.stringify({ layout: given, labels: nativeLabels });
  return { json, ids, slots };
}

function assemble(
  p: ReturnType<typeof prepareSheet>,
  out: { pdf: Buffer; pages: number; labels_json: string },
): SheetResult {
  const placed = JSON.parse(out.labels_json) as NativeLabel[];
  const labels = p.slots.map((slot, i): SheetLabelResult => {
    const id = p.ids[i] ?? String(i);
    if (typeof slot === 'string') return invalidResult(id, slot);
    const n = placed[slot];
    if (!n) return { id, success: false, error: { code: 'INTERNAL', message: 'no result' } };
    return 'error' in n ? { id, success: false, error: n.error } : { id, success: true, ...n };
  });
  return { pdf: out.pdf, pages: out.pages, labels };
}

/** The core's refusal of a whole sheet (`CODE: message`) as the API's error. */
function sheetError(e: unknown): never {
  const message = e instanceof Error ? e.message : String(e);
  const m = /^(INVALID_OPTION|INVALID_DATA|DATA_TOO_LONG): ([\s\S]*)$/.exec(message);
  if (m) throw new BatchcodeError('INVALID_SHEET', m[2] as string);
  throw e;
}

/**
 * Why `layout` is refused (the message names the field, from `layout`), or undefined: the
 * core's own check, run on one small label, so that a job is refused at upload, not at its end.
 */
export function checkSheetLayout(layout: unknown): string | undefined {
  try {
    renderSheetSync({ layout: layout as SheetLayout, labels: [{ barcode_type: 'qr', data: 'layout check' }] });
    return undefined;
  } catch (e) {
    if (e instanceof BatchcodeError) return e.message;
    throw e;
  }
}

/** Lays up to 10,000 labels out on sheets, on native threads. */
export async function renderSheet(request: { layout: SheetLayout; labels: SheetLabel[] }): Promise<SheetResult> {
  const p = prepareSheet(request?.layout, request?.labels);
  return assemble(p, await native.renderSheetAsync(p.json).catch(sheetError));
}

/** The synchronous twin of `renderSheet`. */
export function renderSheetSync(request: { layout: SheetLayout; labels: SheetLabel[] }): SheetResult {
  const p = prepareSheet(request?.layout, request?.labels);
  try {
    return assemble(p, native.renderSheetSync(p.json));
  } catch (e) {
    return sheetError(e);
  }
}
