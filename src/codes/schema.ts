/**
 * The dynamic-code API's shapes, written once in TypeBox: routes, OpenAPI
 * and the service's types all come from here. Limits are named constants so
 * that messages quote the same numbers the schemas enforce.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PageQuery, Pagination } from '../infra/paging.js';

export const MAX_URL_LENGTH = 2048;
export const MAX_TITLE_LENGTH = 200;
export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 32;
export const ALIAS_PATTERN = '^[A-Za-z0-9_-]{3,64}$';
/** Stats cover at most this many days per request (hourly: 31 days = 744 buckets). */
export const MAX_STATS_DAYS = 366;
export const MAX_STATS_HOURS = 31 * 24;

const Url = (description: string) => Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH, description });

export const DEVICE_CLASSES = ['ios', 'android', 'desktop', 'other'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** Per-device destinations; a visitor of another class goes to `destination_url`. */
export const Rules = Type.Object(
  {
    ios: Type.Optional(Url('Where iPhone and iPad visitors go.')),
    android: Type.Optional(Url('Where Android visitors go.')),
    desktop: Type.Optional(Url('Where desktop visitors go.')),
  },
  { additionalProperties: false },
);
export type Rules = Static<typeof Rules>;

const Tag = Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH, pattern: '^[\\w .:-]+$' });
const Tags = Type.Array(Tag, { maxItems: MAX_TAGS, description: `At most ${MAX_TAGS} tags.` });
const Title = Type.String({ maxLength: MAX_TITLE_LENGTH });
const Instant = Type.String({
  format: 'date-time',
  description: 'An RFC 3339 date and time, e.g. 2027-01-31T23:59:59Z.',
});
const MaxScans = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });

const editable = {
  destination_url: Url('Where the code leads: an absolute http(s) URL without credentials.'),
  title: Title,
  tags: Tags,
  enabled: Type.Boolean({ description: 'A disabled code answers 410. Default true.' }),
  expires_at: Type.Union([Instant, Type.Null()], { description: 'After it the code answers 410.' }),
  max_scans: Type.Union([MaxScans, Type.Null()], { description: 'Once reached the code answers 410.' }),
  rules: Type.Union([Rules, Type.Null()]),
};

export const CreateCode = Type.Object(
  {
    destination_url: editable.destination_url,
    alias: Type.Optional(
      Type.String({
        pattern: ALIAS_PATTERN,
        description: 'A custom slug (3-64 of A-Z a-z 0-9 _ -); a random 8-character one otherwise.',
      }),
    ),
    title: Type.Optional(editable.title),
    tags: Type.Optional(editable.tags),
    enabled: Type.Optional(editable.enabled),
    expires_at: Type.Optional(editable.expires_at),
    max_scans: Type.Optional(editable.max_scans),
    rules: Type.Optional(editable.rules),
  },
  { additionalProperties: false },
);
export type CreateCode = Static<typeof CreateCode>;

/** A batch of creates; its size limit is the gateway's BATCH_MAX_ITEMS. */
export const CreateBatch = (maxItems: number) =>
  Type.Object({ codes: Type.Array(CreateCode, { minItems: 1, maxItems }) }, { additionalProperties: false });
export type CreateBatch = Static<ReturnType<typeof CreateBatch>>;

export const PatchCode = Type.Partial(Type.Object(editable, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type PatchCode = Static<typeof PatchCode>;

export const DynamicCode = Type.Object(
  {
    id: Type.String(),
    slug: Type.String(),
    short_url: Type.String({ description: 'What the QR code encodes: PUBLIC_BASE_URL/slug.' }),
    destination_url: Type.String(),
    title: Type.String(),
    tags: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    expires_at: Type.Union([Type.String(), Type.Null()]),
    max_scans: Type.Union([Type.Integer(), Type.Null()]),
    rules: Type.Union([Rules, Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
    scans: Type.Integer({ description: 'Scans counted so far (not HEAD requests, not bots).' }),
  },
  { description: 'A dynamic code: its short link, destination, state and scan count.' },
);
export type DynamicCode = Static<typeof DynamicCode>;

export const CodeBatch = Type.Object(
  { codes: Type.Array(DynamicCode) },
  { description: 'The codes made, in the order asked.' },
);
export type CodeBatch = Static<typeof CodeBatch>;

export const ListCodesQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in the title, slug or destination.' })),
    tag: Type.Optional(Tag),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListCodesQuery = Static<typeof ListCodesQuery>;

export const CodeList = Type.Object(
  {
    codes: Type.Array(DynamicCode),
    pagination: Pagination,
  },
  { description: 'One page of the codes of this API key, newest first.' },
);
export type CodeList = Static<typeof CodeList>;

export const CodeParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

export const INTERVALS = ['day', 'hour'] as const;
export type Interval = (typeof INTERVALS)[number];

const DateOrInstant = Type.String({
  maxLength: 40,
  description: 'A date (2026-11-01, from its start in UTC) or an RFC 3339 date and time.',
});

export const StatsQuery = Type.Object(
  {
    from: Type.Optional(DateOrInstant),
    to: Type.Optional(DateOrInstant),
    interval: Type.Optional(
      Type.Union(
        INTERVALS.map((i) => Type.Literal(i)),
        { default: 'day' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

const Count = Type.Object({ name: Type.String(), scans: Type.Integer() });

export const CodeStats = Type.Object(
  {
    code_id: Type.String(),
    from: Type.String(),
    to: Type.String(),
    interval: Type.Union(INTERVALS.map((i) => Type.Literal(i))),
    total: Type.Integer({ description: 'Scans by people (bots apart).' }),
    unique: Type.Integer({ description: 'Distinct visitors per day, summed over the days.' }),
    bots: Type.Integer({ description: 'Requests from crawlers and link previewers, not in the other counts.' }),
    series: Type.Array(Type.Object({ start: Type.String(), scans: Type.Integer(), unique: Type.Integer() })),
    devices: Type.Object(
      Object.fromEntries(DEVICE_CLASSES.map((d) => [d, Type.Integer()])) as Record<
        DeviceClass,
        ReturnType<typeof Type.Integer>
      >,
    ),
    os: Type.Array(Count),
    browsers: Type.Array(Count),
    referrers: Type.Array(Count, { description: 'Referrer hosts; "(direct)" when none was sent.' }),
  },
  { description: 'Scans of one code over the period asked.' },
);
export type CodeStats = Static<typeof CodeStats>;
