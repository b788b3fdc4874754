/**
 * What a `type: "dynamic"` job needs of the dynamic-code service, declared
 * here so that bulk code does not depend on it: the gateway passes its code
 * service, which has these methods. Codes are made at upload, one per valid
 * row, so that workers render short links like any other data and need no
 * database; a job's codes outlive the job (they are printed).
 */
export interface DynamicCodes {
  /** Why `url` cannot be a destination, or undefined. */
  destinationProblem(url: string): string | undefined;
  /** Longest title a code takes. */
  readonly maxTitleLength: number;
  newSlug(): string;
  shortUrl(slug: string): string;
  /** All or none; a slug found taken is replaced, so read the slugs back. */
  createForJob(
    owner: string,
    jobId: string,
    codes: { slug: string; destination_url: string; title: string }[],
  ): Promise<{ id: string; slug: string }[]>;
  removeForJob(owner: string, jobId: string): Promise<void>;
}

/** The codes a job's rows are made into, and for whom. */
export interface LinkMaker {
  codes: DynamicCodes;
  owner: string;
  jobId: string;
}

/**
 * The same checks, without making anything: a check of an upload (POST
 * /api/bulk/check) reads rows as a dynamic job would, and the slugs it shows
 * are not kept.
 */
export function dryRun(codes: DynamicCodes): DynamicCodes {
  return {
    destinationProblem: (url) => codes.destinationProblem(url),
    maxTitleLength: codes.maxTitleLength,
    newSlug: () => codes.newSlug(),
    shortUrl: (slug) => codes.shortUrl(slug),
    createForJob: async (_owner, _jobId, made) => made.map((c) => ({ id: '', slug: c.slug })),
    removeForJob: async () => undefined,
  };
}
