import t from 'tap';
import { gateway } from '../helpers/gateway.js';

interface Operation {
  tags?: string[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses?: Record<string, { description?: string }>;
}

async function openapi(t: Parameters<typeof gateway>[0] & { equal(a: unknown, b: unknown): unknown }) {
  const app = await gateway(t);
  const res = await app.inject({ url: '/docs/json' });
  t.equal(res.statusCode, 200);
  return res.json() as { tags: { name: string }[]; paths: Record<string, Record<string, Operation>> };
}

t.test('should declare every tag an operation uses and give every operation one', async (t) => {
  const doc = await openapi(t);
  const declared = new Set(doc.tags.map((tag) => tag.name));
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      t.ok(op.tags?.length, `${method} ${path} has a tag`);
      for (const tag of op.tags ?? []) t.ok(declared.has(tag), `${method} ${path}: tag ${tag} is declared`);
    }
  }
});

t.test('should describe every status of every operation', async (t) => {
  const doc = await openapi(t);
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        t.not(response.description ?? 'Default Response', 'Default Response', `${method} ${path} ${code}`);
      }
    }
  }
});

t.test('should describe the upload as a multipart body that Swagger UI can send', async (t) => {
  const doc = await openapi(t);
  const upload = doc.paths['/api/bulk/upload']?.post;
  const form = upload?.requestBody?.content['multipart/form-data'];
  t.ok(form, 'multipart/form-data request body');
  t.ok(form?.schema.properties?.file, 'a file part');
  t.ok(form?.schema.properties?.options, 'an options part');
});
