/**
 * The request and result shapes, written once in TypeBox. The Node API's
 * types are derived from these, and the HTTP routes and OpenAPI document
 * use the same objects.
 */
import { Type, type Static } from '@sinclair/typebox';
import { names } from './case.js';
import { BACKGROUND, COLOUR, COLOUR_FORMS } from './colours.js';
import {
  BARCODE_TYPES,
  BEARERS,
  DATAMATRIX_SHAPES,
  ERROR_CORRECTION_LEVELS,
  FORMATS,
  LIMITS,
  LINK_SYMBOLS,
  UNITS,
} from './facts.js';
import { PAYLOAD_KINDS, payloadProperties, type PayloadData } from './payloads/index.js';

// Names and bounds are the Rust core's, generated into ./facts.ts; the MAX_* shorthands keep older importers compiling.
export {
  BARCODE_TYPES,
  BEARERS,
  DATAMATRIX_SHAPES,
  ERROR_CODES,
  ERROR_CORRECTION_LEVELS,
  FORMATS,
  LIMITS,
  LINK_SYMBOLS,
  SETTINGS,
  UNITS,
} from './facts.js';
export const MAX_DATA_LENGTH = LIMITS.data_length.max;
export const MAX_CONCURRENT = LIMITS.max_concurrent.max;
export const MAX_IMAGE_PX = LIMITS.width.max;

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const range = (limit: { min: number; max: number }) => ({ minimum: limit.min, maximum: limit.max });
/** A limit the core keeps in micrometres, as the millimetres requests give. */
const mmRange = (limit: { min: number; max: number }) => ({ minimum: limit.min / 1000, maximum: limit.max / 1000 });

// Requests may write these names in any case (see case.ts); results always use these spellings.
export const BarcodeType = names(BARCODE_TYPES);
export const Format = names(FORMATS);
export const ErrorCorrection = names(
  ERROR_CORRECTION_LEVELS,
  'QR (default M) and Micro QR (default L, no H). PDF417 and Aztec read it as a level of their own (pdf417_ec_level, aztec_ec_percent); Data Matrix refuses it, as its standard fixes the level; linear codes ignore it.',
);
const FormatOut = literals(FORMATS);
const ErrorCorrectionOut = literals(ERROR_CORRECTION_LEVELS);

export const RenderOptions = Type.Object(
  {
    width: Type.Optional(
      Type.Integer({ ...range(LIMITS.width), description: 'Image width in pixels, quiet zone included.' }),
    ),
    height: Type.Optional(
      Type.Number({
        minimum: Math.min(LIMITS.height.min, LIMITS.height_um.min / 1000),
        maximum: Math.max(LIMITS.height.max, LIMITS.height_um.max / 1000),
        description: `Image height in whole pixels (${LIMITS.height.min} to ${LIMITS.height.max}), default from width; with unit "mm", the bar height of a linear code (the image's height for 2D codes) in millimetres, ${LIMITS.height_um.min / 1000} to ${LIMITS.height_um.max / 1000}.`,
      }),
    ),
    margin: Type.Optional(
      Type.Integer({
        ...range(LIMITS.margin),
        description: 'Quiet zone in modules (QR 4; linear codes keep their spec quiet zones, e.g. EAN-13 11/7).',
      }),
    ),
    module_width: Type.Optional(
      Type.Integer({
        ...range(LIMITS.module_width),
        description: 'Pixels per module, instead of deriving it from width.',
      }),
    ),
    unit: Type.Optional(
      names(
        UNITS,
        `What sizes are given in, ${UNITS[0]} by default. With "mm", x_dim or size and height are millimetres on paper (width and module_width are then refused): PDF, EPS and SVG print at exactly that size; PNG snaps modules to whole dots at dpi. metadata reports x_dim_mm, width_mm, height_mm and, for EAN/UPC, the magnification.`,
      ),
    ),
    x_dim: Type.Optional(
      Type.Number({
        ...mmRange(LIMITS.x_dim_um),
        description: `With unit "mm": the module width (X-dimension) in mm; default 0.33 for linear codes (EAN/UPC at 100%), 0.5 for 2D codes. EAN/UPC and ITF-14 take only the range GS1 specifies (EAN/UPC 80% to 200% of 0.33 mm); the error names it.`,
      }),
    ),
    size: Type.Optional(
      Type.Number({
        ...mmRange(LIMITS.size_um),
        description: 'With unit "mm": the image\'s width in mm, quiet zones included, instead of x_dim.',
      }),
    ),
    dpi: Type.Optional(
      Type.Integer({
        ...range(LIMITS.dpi),
        description:
          'PNG only: dots per inch, recorded in the PNG (pHYs) and used to report sizes in mm; with unit "mm", the resolution modules snap to (default 300).',
      }),
    ),
    error_correction: Type.Optional(ErrorCorrection),
    pdf417_ec_level: Type.Optional(
      Type.Integer({
        ...range(LIMITS.pdf417_ec_level),
        description:
          'PDF417 security level, 2^(level+1) error-correction codewords; over error_correction. metadata.pdf417_ec_level reports the level used.',
      }),
    ),
    aztec_ec_percent: Type.Optional(
      Type.Integer({
        ...range(LIMITS.aztec_ec_percent),
        description:
          'Aztec error-correction words in percent of the data, plus 3; over error_correction. metadata.aztec_ec_percent reports the one used.',
      }),
    ),
    foreground: Type.Optional(Type.String({ format: COLOUR, description: `${COLOUR_FORMS} (names in any case).` })),
    background: Type.Optional(Type.String({ format: BACKGROUND, description: 'As foreground, or "transparent".' })),
    show_text: Type.Optional(
      Type.Boolean({
        description:
          'Human-readable text under linear codes: default on for EAN/UPC, off for others; never for 2D codes.',
      }),
    ),
    bearer: Type.Optional(
      names(
        BEARERS,
        `ITF-14's bearer bars, ${BEARERS[0]} by default as GS1 specifies: a frame keeps the spec's 10-module quiet zones inside it, and margin is the blank outside it. Other types ignore it.`,
      ),
    ),
    addon: Type.Optional(
      Type.String({
        maxLength: LIMITS.data_length.max,
        description:
          'EAN-2 or EAN-5 add-on: 2 or 5 digits after EAN-13, UPC-A or UPC-E (the data may carry it instead, after a space: "9781234567897 51299"). Other types ignore it.',
      }),
    ),
    datamatrix_shape: Type.Optional(
      names(
        DATAMATRIX_SHAPES,
        `Data Matrix shape, ${DATAMATRIX_SHAPES[0]} by default: rectangle uses ISO/IEC 16022's six rectangles (up to 16x48), dmre adds ISO/IEC 21471's rectangular extensions (up to 26x64; older readers may not know them). The smallest size that holds the data is used. For datamatrix, gs1_datamatrix and gs1_digital_link in Data Matrix; other types ignore it.`,
      ),
    ),
    symbol: Type.Optional(
      names(
        LINK_SYMBOLS,
        `The symbol a gs1_digital_link is carried in, ${LINK_SYMBOLS[0]} by default. Other types ignore it.`,
      ),
    ),
    databar_segments: Type.Optional(
      Type.Integer({
        ...range(LIMITS.databar_segments),
        // Rows hold whole pairs of segments, and the fewest a row holds is one pair.
        multipleOf: LIMITS.databar_segments.min,
        description:
          'GS1 DataBar Expanded Stacked: segments (symbol characters) per row, an even number; default 4. The last row never holds one segment alone. metadata.databar_segments reports the one used. Other types ignore it.',
      }),
    ),
    resolver: Type.Optional(
      Type.String({
        minLength: LIMITS.resolver.min,
        maxLength: LIMITS.resolver.max,
        description:
          'The resolver a gs1_digital_link built from element strings points to, https://host[:port][/path]; default the digital_link_resolver setting (DIGITAL_LINK_RESOLVER on a server), else https://id.gs1.org. A URI given as data keeps its own. Other types ignore it.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The text to encode. */
export const DataText = Type.String({ maxLength: LIMITS.data_length.max });

/**
 * `data`: the text to encode, or a payload helper's object (`{ wifi: {…} }`,
 * exactly one key) that the library encodes to its standard string. Written
 * as "a string or an object" beside the object's properties rather than as
 * a union of the two, so that a validator's first error is the one about
 * the value given (`data.wifi.ssid …`), not "must be string". TypeBox checks
 * only the string-or-object part; the library checks a payload itself
 * (payloads/index.ts), naming the field.
 */
export const RequestData = Type.Unsafe<string | PayloadData>(
  Type.Union([DataText, Type.Object({})], {
    properties: payloadProperties,
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: `The text to encode, or an object with exactly one payload helper: ${PAYLOAD_KINDS.join(', ')}.`,
  }),
);

const requestProperties = {
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  barcode_type: BarcodeType,
  data: RequestData,
  format: Type.Optional(Format),
  options: Type.Optional(RenderOptions),
};

export const BarcodeRequest = Type.Object(requestProperties, { additionalProperties: false });

/** An item once its payload, if any, is encoded: what the native side receives. */
export const TextRequest = Type.Object({ ...requestProperties, data: DataText }, { additionalProperties: false });

export const BatchOptions = Type.Object(
  {
    max_concurrent: Type.Optional(Type.Integer(range(LIMITS.max_concurrent))),
    include_metadata: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Metadata = Type.Object({
  type: Type.String(),
  symbology: Type.String({ description: 'The symbology\'s usual name, e.g. "EAN-13".' }),
  version: Type.Optional(Type.Integer()),
  modules: Type.Integer(),
  rows: Type.Integer(),
  columns: Type.Integer(),
  error_correction: Type.Optional(ErrorCorrectionOut),
  pdf417_ec_level: Type.Optional(Type.Integer({ description: 'PDF417: the security level used.' })),
  aztec_ec_percent: Type.Optional(Type.Integer({ description: 'Aztec: the error-correction percentage used.' })),
  text: Type.Optional(Type.String()),
  eci: Type.Optional(
    Type.Integer({
      description: 'The ECI the data starts with (26: UTF-8), when it is not in the default character set.',
    }),
  ),
  bearer: Type.Optional(literals(BEARERS)),
  datamatrix_shape: Type.Optional(literals(DATAMATRIX_SHAPES)),
  symbol: Type.Optional(literals(LINK_SYMBOLS)),
  databar_segments: Type.Optional(
    Type.Integer({ description: 'GS1 DataBar Expanded Stacked: the segments per row used.' }),
  ),
  width: Type.Integer(),
  height: Type.Integer(),
  dpi: Type.Optional(Type.Integer({ description: "The PNG's dots per inch, as recorded in it." })),
  x_dim_mm: Type.Optional(
    Type.Number({ description: 'The module width as printed, in mm (snapped to whole dots for PNG).' }),
  ),
  width_mm: Type.Optional(Type.Number({ description: "The image's width on paper, in mm." })),
  height_mm: Type.Optional(Type.Number({ description: "The image's height on paper, in mm." })),
  magnification: Type.Optional(
    Type.Number({ description: 'EAN/UPC: x_dim_mm as a fraction of the 0.33 mm nominal (1 is 100%).' }),
  ),
});

export const ItemError = Type.Object({
  code: Type.String(),
  message: Type.String(),
});

/**
 * PNG, PDF and EPS bytes are a Buffer in the Node API and base64 text over HTTP, each under its
 * format's name; `bytes` makes the schema of one.
 */
export const resultSchemas = <P extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Unsafe<Buffer>>>(
  bytes: (format: string) => P,
) => {
  const success = Type.Object({
    id: Type.String(),
    success: Type.Literal(true),
    format: FormatOut,
    svg: Type.Optional(Type.String()),
    png: Type.Optional(bytes('PNG')),
    pdf: Type.Optional(bytes('PDF')),
    eps: Type.Optional(bytes('EPS')),
    cached: Type.Boolean(),
    generation_time_ms: Type.Number(),
    metadata: Type.Optional(Metadata),
  });
  const failure = Type.Object({
    id: Type.String(),
    success: Type.Literal(false),
    error: ItemError,
  });
  const result = Type.Union([success, failure]);
  const summary = Type.Object({
    total: Type.Integer(),
    successful: Type.Integer(),
    failed: Type.Integer(),
    cached: Type.Integer(),
    total_time_ms: Type.Number(),
    average_time_ms: Type.Number(),
  });
  const batch = Type.Object(
    { success: Type.Boolean(), results: Type.Array(result), summary },
    { description: 'One result per item, in order: a bad item fails alone; success is true when every item rendered.' },
  );
  return { success, failure, result, summary, batch };
};

export const NodeResults = resultSchemas((f) => Type.Unsafe<Buffer>({ type: 'object', description: `${f} bytes` }));
/** The HTTP answer, and what `renderBatchJson`'s bytes parse to. */
export const JsonResults = resultSchemas((f) =>
  Type.String({ contentEncoding: 'base64', description: `${f} bytes, base64` }),
);

export type BarcodeType = Static<typeof BarcodeType>;
export type RenderOptions = Static<typeof RenderOptions>;
export type BarcodeRequest = Static<typeof BarcodeRequest>;
export type TextRequest = Static<typeof TextRequest>;
export type BatchOptions = Static<typeof BatchOptions>;
export type Metadata = Static<typeof Metadata>;
export type BarcodeResult = Static<typeof NodeResults.result>;
export type BarcodeSuccess = Static<typeof NodeResults.success>;
export type BarcodeFailure = Static<typeof NodeResults.failure>;
export type BatchSummary = Static<typeof NodeResults.summary>;
export type BatchResponse = Static<typeof NodeResults.batch>;
export type BatchResponseJson = Static<typeof JsonResults.batch>;
