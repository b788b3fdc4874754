/**
 * A bulk job from a file: drop or pick a CSV (or Excel, JSON, NDJSON), see
 * how the server reads it (POST /api/bulk/check: the first rows and every
 * invalid row, the same checks the upload makes, nothing queued), choose the
 * format, type and design, submit, then follow the job on its own page.
 */
import schemas from 'batchcode:schema';
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Accepted, Checked } from '../../bulk/schema';
import { BARCODE_TYPES, FORMATS } from '../../lib/facts';
import { download, request } from '../api';
import { count } from '../format';
import { useDebounced, useTitle } from '../hooks';
import { Alert } from '../components/alert';
import { Choice, Fields, toOptions, type FormValues, type JsonSchema } from '../schema-form';

const DESIGN = schemas.renderOptions.properties as Record<string, JsonSchema>;
const DESIGN_FIELDS = ['width', 'margin', 'foreground', 'background', 'error_correction', 'show_text'];
const ACCEPT = '.csv,.txt,.tsv,.xlsx,.json,.ndjson,text/csv,application/json';
const CHECK_DELAY_MS = 300;
/** Invalid rows listed before "and N more". */
const SHOWN_INVALID = 50;

const renderable = (c: Checked): number => c.total_rows - c.invalid_rows.length;

function form(file: File, options: object): FormData {
  const body = new FormData();
  body.append('options', JSON.stringify(options));
  body.append('file', file, file.name);
  return body;
}

function Preview({ checked }: { checked: Checked }): JSX.Element {
  const invalid = checked.invalid_rows;
  return (
    <section class="card" aria-labelledby="check-title">
      <h2 id="check-title">What will be rendered</h2>
      <p data-testid="check-summary">
        {count(checked.total_rows)} rows
        {checked.input_format && ` read as ${checked.input_format}`}
        {checked.encoding && `, ${checked.encoding}`}
        {checked.delimiter && `, delimiter “${checked.delimiter === '\t' ? 'tab' : checked.delimiter}”`}
        {checked.sheet && `, sheet “${checked.sheet}”`}; {count(invalid.length)} invalid.
      </p>
      {checked.rows.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption>First {checked.rows.length} rows</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                {checked.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {checked.rows.map((r) => (
                <tr key={r.row}>
                  <td>{r.row}</td>
                  {checked.columns.map((c) => (
                    <td key={c} class="url">
                      {r.cells[c] ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {invalid.length > 0 && (
        <>
          <h3>Invalid rows (left out of the job)</h3>
          <ul class="invalid" data-testid="invalid-rows">
            {invalid.slice(0, SHOWN_INVALID).map((r) => (
              <li key={r.row}>
                Row {r.row}: {r.reason}
              </li>
            ))}
          </ul>
          {invalid.length > SHOWN_INVALID && <p class="muted">and {invalid.length - SHOWN_INVALID} more.</p>}
        </>
      )}
    </section>
  );
}

export function Bulk(): JSX.Element {
  useTitle('Bulk');
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [barcodeType, setBarcodeType] = useState('qr');
  const [format, setFormat] = useState<string>(FORMATS[0]);
  const [kind, setKind] = useState<'static' | 'dynamic'>('static');
  const [design, setDesign] = useState<FormValues>({});
  const [checked, setChecked] = useState<Checked | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const options = useMemo(
    () => ({ barcode_type: barcodeType, format, type: kind, design: toOptions(design, DESIGN) }),
    [barcodeType, format, kind, design],
  );
  const settled = useDebounced(options, CHECK_DELAY_MS);

  useEffect(() => {
    if (!file) return;
    const controller = new AbortController();
    setError(null);
    request('/api/bulk/check', { method: 'POST', body: form(file, settled), signal: controller.signal })
      .then((res) => res.json() as Promise<Checked>)
      .then(setChecked)
      .catch((err: Error) => {
        if (controller.signal.aborted) return;
        setChecked(null);
        setError(err.message);
      });
    return () => controller.abort();
  }, [file, settled]);

  const pick = (files: FileList | null | undefined) => {
    const first = files?.[0];
    if (first) setFile(first);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return setError('Choose a file first.');
    setBusy(true);
    setError(null);
    try {
      const res = await request('/api/bulk/upload', { method: 'POST', body: form(file, options) });
      const accepted = (await res.json()) as Accepted;
      location.hash = `#/jobs/${accepted.job_id}`;
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <h1>Bulk job</h1>
      <form class="split" onSubmit={submit}>
        <div class="stack">
          <section class="card">
            <label
              class={dragging ? 'drop dragging' : 'drop'}
              for="bulk-file"
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={(e) => {
                e.preventDefault();
                setDragging(false);
                pick(e.dataTransfer?.files);
              }}
            >
              <strong>{file ? file.name : 'Drop a spreadsheet here'}</strong>
              <span class="muted">
                {file
                  ? `${count(file.size)} bytes · choose another`
                  : 'or choose a CSV, Excel (.xlsx), JSON or NDJSON file'}
              </span>
            </label>
            <input
              id="bulk-file"
              class="file"
              type="file"
              accept={ACCEPT}
              onChange={(e) => pick(e.currentTarget.files)}
            />
            <p>
              <button
                type="button"
                class="ghost"
                onClick={() =>
                  void download('/api/bulk/template', 'bulk-template.csv').catch((err: Error) => setError(err.message))
                }
              >
                Download the CSV template
              </button>
            </p>
          </section>
          {checked && <Preview checked={checked} />}
        </div>
        <section class="card" aria-labelledby="options-title">
          <h2 id="options-title">Options</h2>
          <fieldset>
            <legend>Type</legend>
            <label class="radio">
              <input type="radio" name="kind" checked={kind === 'static'} onChange={() => setKind('static')} /> Static:
              each image encodes its row's data
            </label>
            <label class="radio">
              <input type="radio" name="kind" checked={kind === 'dynamic'} onChange={() => setKind('dynamic')} />{' '}
              Dynamic: each row becomes a code whose destination can change
            </label>
          </fieldset>
          <div class="fields">
            <Choice
              id="bulk-type"
              label="Barcode type"
              value={barcodeType}
              values={BARCODE_TYPES}
              onChange={setBarcodeType}
            />
            <Choice id="bulk-format" label="Format" value={format} values={FORMATS} onChange={setFormat} />
          </div>
          <details>
            <summary>Design</summary>
            <Fields
              prefix="design"
              names={DESIGN_FIELDS}
              properties={DESIGN}
              values={design}
              onInput={(name, value) => setDesign((d) => ({ ...d, [name]: value }))}
            />
          </details>
          <Alert text={error} testId="bulk-error" />
          <button type="submit" disabled={!file || busy || (checked !== null && renderable(checked) === 0)}>
            {busy ? 'Submitting…' : checked ? `Render ${count(renderable(checked))} codes` : 'Submit job'}
          </button>
        </section>
      </form>
    </div>
  );
}
