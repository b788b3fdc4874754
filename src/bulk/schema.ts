/** Request and response shapes of the bulk and job endpoints (the public contract). */
import { CSV_DELIMITERS, CSV_ENCODINGS } from './sources/csv-layout.js';
import { INPUT_FORMATS } from './sources/detect.js';
import { Type, type Static } from '@sinclair/typebox';
import { PageQuery, Pagination } from '../infra/paging.js';
import { names } from '../lib/case.js';
import { PAYLOAD_KINDS } from '../lib/payloads/index.js';
import { BarcodeType, Format, RenderOptions } from '../lib/schema.js';
import { SheetLayout } from '../lib/sheet.js';
import { JobError } from './failure.js';
import { WORKER_STALE_MS } from './workers.js';

export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const JobStatus = Type.Union(JOB_STATUSES.map((s) => Type.Literal(s)));
export type JobStatus = Static<typeof JobStatus>;

export const MIN_BATCH = 10;
/** Longest data or file-name template. */
export const MAX_TEMPLATE = 2048;
export const MAX_BATCH = 500;
export const DEFAULT_BATCH = 100;

/** `options.sheet` as an object: the rows' codes laid out on label sheets, as labels.pdf. */
export const LabelSheet = Type.Object(
  {
    ...SheetLayout.properties,
    caption: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_TEMPLATE,
        description: 'Each label\'s caption from its row\'s columns, e.g. "{title}" or "{sku} – {price}".',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Label sheets: a template (L7160, L7163, L7651, 5160, 5163, 22805) or a custom grid, as POST /api/sheets takes it, plus a caption template. The job then makes labels.pdf (GET /api/jobs/:id/labels, and in the ZIP), labels in row order.',
  },
);
export type LabelSheet = Static<typeof LabelSheet>;

export const BulkOptions = Type.Object(
  {
    type: Type.Optional(
      Type.Union([Type.Literal('static'), Type.Literal('dynamic')], {
        description:
          "static (default): each image encodes its row's data. dynamic: each valid row becomes a dynamic code and its image encodes the short link.",
      }),
    ),
    barcode_type: Type.Optional(BarcodeType),
    format: Type.Optional(Format),
    design: Type.Optional(RenderOptions),
    batchSize: Type.Optional(Type.Integer({ minimum: MIN_BATCH, maximum: MAX_BATCH, default: DEFAULT_BATCH })),
    encoding: Type.Optional(
      names(
        CSV_ENCODINGS,
        'CSV uploads: the text encoding. Default: from the BOM, else UTF-8 when the file is valid UTF-8, else windows-1252 (Excel\'s "CSV" on Windows).',
      ),
    ),
    delimiter: Type.Optional(
      Type.Union(
        CSV_DELIMITERS.map((d) => Type.Literal(d)),
        { description: 'CSV uploads: the cell delimiter. Default: the one the header line uses most (, ; tab |).' },
      ),
    ),
    sheet: Type.Optional(
      Type.Union(
        [Type.String({ minLength: 1, maxLength: 31 }), Type.Integer({ minimum: 1, maximum: 4096 }), LabelSheet],
        {
          description:
            'A name or number: the Excel sheet to read (1 = the first; default the first). An object: the label sheets to print the codes on (see LabelSheet).',
        },
      ),
    ),
    data_template: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_TEMPLATE,
        description:
          "Each row's data (a dynamic job's destination) from its columns, e.g. \"https://shop.example.com/p/{sku}?utm_campaign={campaign}\". Values in a URL's path, query or fragment are percent-encoded; {{ and }} are literal braces; a row with an empty value is invalid.",
      }),
    ),
    filename_template: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_TEMPLATE,
        description:
          'Each image\'s file name from its row\'s columns, e.g. "{sku}-{title}" (made safe and unique as filename cells are).',
      }),
    ),
    payload: Type.Optional(
      Type.Union(
        PAYLOAD_KINDS.map((k) => Type.Literal(k)),
        {
          description:
            "CSV uploads of static jobs: build each row's data with this payload helper from the columns named after its fields (wifi: ssid, password, security, hidden…), instead of a data column.",
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type BulkOptions = Static<typeof BulkOptions>;

/** One code of a direct request: the fields a CSV row may have, checked per row like a CSV's cells. */
export const DirectItem = Type.Object(
  {
    destination_url: Type.Optional(Type.String()),
    data: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
    filename: Type.Optional(Type.String()),
    barcode_type: Type.Optional(Type.String()),
    format: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DirectItem = Static<typeof DirectItem>;

export const DirectBody = Type.Object(
  {
    qr_codes: Type.Array(DirectItem),
    options: Type.Optional(BulkOptions),
  },
  { additionalProperties: false },
);
export type DirectBody = Static<typeof DirectBody>;

/**
 * The upload's multipart form, for the OpenAPI document (so Swagger UI can send it); the form itself
 * is read as a stream by the gateway's multipart reader, never validated as a body.
 */
export const UploadForm = Type.Object(
  {
    file: Type.String({
      format: 'binary',
      description:
        'The rows: CSV (UTF-8, Windows-1252 or UTF-16; , ; tab or |), an Excel workbook (.xlsx), a JSON array of objects, or NDJSON; told apart by content.',
    }),
    options: Type.Optional(
      Type.String({
        description: 'The job options as JSON text (or a JSON file), e.g. {"format":"svg","barcode_type":"qr"}.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const InvalidRow = Type.Object({ row: Type.Integer(), reason: Type.String() });
export type InvalidRow = Static<typeof InvalidRow>;

/** How an upload was read: what a job of it holds, and how its bytes were taken. */
const reading = {
  total_rows: Type.Integer({ description: 'Rows read after the header, the invalid ones included.' }),
  invalid_rows: Type.Array(InvalidRow),
  input_format: Type.Optional(
    Type.Union(
      INPUT_FORMATS.map((f) => Type.Literal(f)),
      { description: 'Uploads: what the file was read as, from its bytes (not its name).' },
    ),
  ),
  encoding: Type.Optional(Type.String({ description: 'CSV uploads: the encoding the file was read in.' })),
  delimiter: Type.Optional(Type.String({ description: 'CSV uploads: the cell delimiter used.' })),
  sheet: Type.Optional(Type.String({ description: 'Excel uploads: the name of the sheet read.' })),
};

export const Accepted = Type.Object(
  { job_id: Type.String(), status: Type.Literal('queued'), ...reading },
  { description: 'The job was accepted and queued; rows refused at upload are listed in invalid_rows.' },
);
export type Accepted = Static<typeof Accepted>;

/** The answer of POST /api/bulk/check: what an upload would make, with nothing queued. */
export const Checked = Type.Object(
  {
    ...reading,
    columns: Type.Array(Type.String(), { description: "The header's columns, as the rows' cells are keyed." }),
    rows: Type.Array(
      Type.Object({
        row: Type.Integer({ description: '1 = the first row after the header.' }),
        cells: Type.Record(Type.String(), Type.String()),
        filename: Type.String({ description: "The image's file name in the ZIP." }),
        error: Type.Optional(Type.String({ description: 'Why the row would not be rendered.' })),
      }),
      { description: 'The first rows, as the job would take them.' },
    ),
  },
  { description: 'The upload read and checked as POST /api/bulk/upload would; no job was made.' },
);
export type Checked = Static<typeof Checked>;

export const JobView = Type.Object(
  {
    job_id: Type.String(),
    status: JobStatus,
    total_rows: Type.Integer(),
    processed: Type.Integer(),
    successful: Type.Integer(),
    failed: Type.Integer(),
    progress: Type.Integer({ description: 'Percent of rows processed, 0..100.' }),
    created_at: Type.String(),
    started_at: Type.Union([Type.String(), Type.Null()]),
    finished_at: Type.Union([Type.String(), Type.Null()]),
    error: Type.Optional(JobError),
    partial: Type.Optional(
      Type.Literal(true, {
        description:
          'The job stopped (cancelled or failed) after rendering some rows: its results hold those `processed` rows only.',
      }),
    ),
    warning: Type.Optional(
      Type.String({ description: 'Why a queued or processing job may not move, e.g. no worker is running.' }),
    ),
  },
  { description: 'A bulk job: its state, counts and timing.' },
);
export type JobView = Static<typeof JobView>;

/** The events of GET /api/jobs/:id/events: progress while the job is queued or running, then one of the others. */
export const JOB_EVENTS = ['progress', 'completed', 'failed', 'cancelled', 'deleted'] as const;
export type JobEventName = (typeof JOB_EVENTS)[number];

/** The data of a job's live event: its view, as GET /api/jobs/:id answers it, and its pace. */
export const JobEvent = Type.Object(
  {
    ...JobView.properties,
    rows_per_second: Type.Union([Type.Number(), Type.Null()], {
      description:
        'Rows processed per second since started_at (until finished_at once finished); null before it starts.',
    }),
    eta_seconds: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Seconds left at that pace; 0 once completed, null when unknown (not started, no row yet, stopped).',
    }),
  },
  {
    description:
      'Server-Sent Events (text/event-stream): "retry: 3000", then events "event: <name>\nid: <n>\ndata: <JSON>". ' +
      '`progress` (the first event: the current state; then each change while queued or processing), then exactly one of ' +
      '`completed`, `failed`, `cancelled` (data: this object) or `deleted` (data: { job_id, deleted: true }), after which the ' +
      'stream ends; ": heartbeat" comments in between (SSE_HEARTBEAT_MS). The stream also ends when the server stops or ' +
      'loses Redis: reconnect.',
  },
);
export type JobEvent = Static<typeof JobEvent>;

/** The job and its files are gone: DELETE /api/jobs/:id's answer, and the data of a `deleted` event. */
export const JobDeleted = Type.Object(
  { job_id: Type.String(), deleted: Type.Literal(true) },
  { description: 'The job and its files are gone.' },
);
export type JobDeleted = Static<typeof JobDeleted>;

export const JobList = Type.Object(
  {
    jobs: Type.Array(JobView),
    pagination: Pagination,
  },
  { description: 'One page of the jobs of this API key, newest first.' },
);
export type JobList = Static<typeof JobList>;

export const ListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(JobStatus),
});
export type ListQuery = Static<typeof ListQuery>;

export const JobParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const RESULT_FORMATS = ['csv', 'zip'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];
export const DEFAULT_RESULT_FORMAT: ResultFormat = 'csv';

export const ResultsQuery = Type.Object({
  format: Type.Optional(
    Type.Union(
      RESULT_FORMATS.map((f) => Type.Literal(f)),
      { default: DEFAULT_RESULT_FORMAT },
    ),
  ),
});

export const Stats = Type.Object(
  {
    jobs: Type.Object(
      Object.fromEntries(JOB_STATUSES.map((s) => [s, Type.Integer()])) as Record<
        JobStatus,
        ReturnType<typeof Type.Integer>
      >,
    ),
    total_jobs: Type.Integer(),
    codes_rendered: Type.Integer(),
    failures: Type.Integer(),
    average_ms_per_code: Type.Number(),
    queue_depth: Type.Integer({ description: 'Jobs waiting or running, all callers.' }),
    workers: Type.Integer({
      description: `Live workers: worker processes seen in the last ${WORKER_STALE_MS / 1000} s (Redis mode), or 1, the gateway itself.`,
    }),
  },
  { description: 'Job counts by state for this API key, and the workers serving the queue.' },
);
export type Stats = Static<typeof Stats>;

/** The answer to POST /api/jobs/:id/retry: the new job, made of the old one's failed and unprocessed rows. */
export const Retried = Type.Object(
  {
    job_id: Type.String(),
    status: Type.Literal('queued'),
    total_rows: Type.Integer(),
    retry_of: Type.String({ description: 'The job whose rows are retried.' }),
  },
  { description: 'A new job, queued with the rows of the old one that did not render.' },
);
export type Retried = Static<typeof Retried>;
