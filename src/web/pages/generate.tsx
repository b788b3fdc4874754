/**
 * One code: every barcode_type and render option, a preview that follows the
 * typing (debounced, through the batch route so a bad item answers its own
 * error code), inline errors where the API's message points, and downloads in
 * every format the renderer writes.
 */
import schemas from 'batchcode:schema';
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { BatchResponseJson, Metadata } from '../../lib/schema';
import { BARCODE_TYPES, FORMATS, LIMITS, MEDIA_TYPES } from '../../lib/facts';
import { ApiError, request, saveBlob, sendJson } from '../api';
import { useDebounced, useTitle } from '../hooks';
import { Choice, Fields, fieldOf, toOptions, type FormValues, type JsonSchema } from '../schema-form';

const PROPERTIES = schemas.renderOptions.properties as Record<string, JsonSchema>;
const OPTION_NAMES = Object.keys(PROPERTIES);
/** Shown at once; the rest are under "More options". */
const MAIN = ['width', 'margin', 'foreground', 'background', 'show_text', 'error_correction'];
const MORE = OPTION_NAMES.filter((n) => !MAIN.includes(n));
/** Errors about the data, shown under the data field. */
const DATA_ERRORS = new Set(['EMPTY_DATA', 'DATA_TOO_LONG', 'INVALID_DATA']);
const PREVIEW_DELAY_MS = 250;

const SAMPLES: Partial<Record<string, string>> = {
  qr: 'https://example.com',
  ean13: '4006381333931',
  ean8: '96385074',
  upca: '036000291452',
  upce: '01234565',
  itf14: '15400141288763',
};

interface Preview {
  url: string;
  meta?: Metadata | undefined;
  /** What the image shows, which the form may have moved on from. */
  type: string;
  data: string;
}

interface Problem {
  message: string;
  field?: string | undefined;
}

function problemOf(code: string | undefined, message: string): Problem {
  if (code && DATA_ERRORS.has(code)) return { message, field: 'data' };
  return { message, field: fieldOf(message, OPTION_NAMES) };
}

export function Generate(): JSX.Element {
  useTitle('Generate');
  const [type, setType] = useState<string>('qr');
  const [data, setData] = useState(SAMPLES.qr!);
  // Linear codes show their digits unless the user turns it off; 2D codes never have text.
  const [values, setValues] = useState<FormValues>({ show_text: 'true' });
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [saving, setSaving] = useState<string | null>(null);

  const options = useMemo(() => toOptions(values, PROPERTIES), [values]);
  const item = useMemo(() => ({ barcode_type: type, data, options }), [type, data, options]);
  const settled = useDebounced(item, PREVIEW_DELAY_MS);

  useEffect(() => {
    const controller = new AbortController();
    setBusy(true);
    sendJson<BatchResponseJson>(
      '/api/barcodes/batch',
      { barcodes: [{ id: 'preview', ...settled, format: 'svg' }], options: { include_metadata: true } },
      'POST',
      { signal: controller.signal },
    )
      .then((answer) => {
        const result = answer.results[0]!;
        if (!result.success) return setProblem(problemOf(result.error.code, result.error.message));
        const url = URL.createObjectURL(new Blob([result.svg!], { type: MEDIA_TYPES.svg }));
        setPreview((old) => {
          if (old) URL.revokeObjectURL(old.url);
          return { url, meta: result.metadata, type: settled.barcode_type, data: settled.data };
        });
        setProblem(null);
      })
      .catch((err: Error) => controller.signal.aborted || setProblem(problemOf(undefined, err.message)))
      .finally(() => controller.signal.aborted || setBusy(false));
    return () => controller.abort();
  }, [settled]);

  const changeType = (next: string) => {
    const sample = SAMPLES[next];
    if (sample && (data === '' || Object.values(SAMPLES).includes(data))) setData(sample);
    setType(next);
  };

  const save = async (format: string) => {
    setSaving(format);
    try {
      const res = await request('/api/barcodes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...item, format }),
      });
      saveBlob(await res.blob(), `${type}.${format}`);
    } catch (err) {
      setProblem(problemOf(undefined, err instanceof ApiError ? err.message : String(err)));
    } finally {
      setSaving(null);
    }
  };

  const fieldErrors = problem?.field && problem.field !== 'data' ? { [problem.field]: problem.message } : {};
  const dataError = problem?.field === 'data' ? problem.message : undefined;
  const onInput = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  return (
    <div class="generate">
      <h1>Generate a code</h1>
      <div class="split">
        <form class="card controls" onSubmit={(e) => e.preventDefault()} aria-label="Code">
          <Choice id="barcode-type" label="Barcode type" value={type} values={BARCODE_TYPES} onChange={changeType} />
          <div class={dataError ? 'field invalid' : 'field'}>
            <label for="data">Data</label>
            <textarea
              id="data"
              rows={3}
              maxLength={LIMITS.data_length.max}
              value={data}
              aria-invalid={dataError ? true : undefined}
              aria-describedby={dataError ? 'data-error' : undefined}
              onInput={(e) => setData(e.currentTarget.value)}
            />
            {dataError && (
              <p class="error" id="data-error">
                {dataError}
              </p>
            )}
          </div>
          <Fields
            prefix="opt"
            names={MAIN}
            properties={PROPERTIES}
            values={values}
            errors={fieldErrors}
            onInput={onInput}
          />
          <details>
            <summary>More options</summary>
            <Fields
              prefix="opt"
              names={MORE}
              properties={PROPERTIES}
              values={values}
              errors={fieldErrors}
              onInput={onInput}
            />
          </details>
        </form>
        <section class="card preview-panel" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <div class="preview" aria-busy={busy}>
            {preview ? (
              <img
                src={preview.url}
                alt={`Preview: ${preview.type} code of “${preview.data}”`}
                class={problem ? 'stale' : undefined}
                data-testid="preview"
              />
            ) : (
              <span class="muted">Rendering…</span>
            )}
          </div>
          <p class="error" role="alert" data-testid="preview-error">
            {problem ? problem.message : ''}
          </p>
          {preview?.meta && !problem && (
            <p class="meta" data-testid="preview-meta">
              {preview.meta.symbology} · {preview.meta.width}×{preview.meta.height} px
              {preview.meta.version !== undefined && ` · version ${preview.meta.version}`}
              {preview.meta.error_correction && ` · level ${preview.meta.error_correction}`}
              {preview.meta.text !== undefined && ` · text ${preview.meta.text}`}
            </p>
          )}
          <div class="actions" role="group" aria-label="Download">
            {FORMATS.map((f) => (
              <button key={f} type="button" disabled={saving !== null || problem !== null} onClick={() => void save(f)}>
                {saving === f ? `Saving ${f.toUpperCase()}…` : `Download ${f.toUpperCase()}`}
              </button>
            ))}
          </div>
        </section>
      </div>
    </div>
  );
}
