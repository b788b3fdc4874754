/** Creating, reading, listing, changing and deleting codes, batches, tenancy and unknown fields. */
import type { Test } from 'tap';
import { OTHER_KEY } from '../gateway.js';
import { api, BATCH_MAX, type Code, create, FIELDS, type StoreHarness, UA, visit } from './harness.js';

export function crudContract(t: Test, h: StoreHarness): void {
  t.test('should create, read, change and delete a code with every field', async (t) => {
    const app = await h.gateway(t);
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const full = await create(app, {
      destination_url: 'https://example.com/menu?table=4',
      alias: 'menu-2026',
      title: 'Dinner menu',
      tags: ['menu', 'table 4', 'menu'],
      enabled: true,
      expires_at: expires,
      max_scans: 500,
      rules: { ios: 'https://apps.apple.com/app/id1', android: 'https://play.google.com/store/apps/details?id=x' },
    });
    t.same(Object.keys(full).sort(), FIELDS);
    t.match(full, {
      slug: 'menu-2026',
      short_url: 'http://localhost:3003/r/menu-2026',
      destination_url: 'https://example.com/menu?table=4',
      title: 'Dinner menu',
      tags: ['menu', 'table 4'],
      enabled: true,
      expires_at: expires,
      max_scans: 500,
      rules: { ios: 'https://apps.apple.com/app/id1', android: 'https://play.google.com/store/apps/details?id=x' },
      scans: 0,
    });
    t.match(full.id, /^[0-9a-f-]{36}$/);
    t.equal(full.created_at, full.updated_at);
    t.ok(Math.abs(Date.parse(full.created_at) - Date.now()) < 60_000, 'created now');

    const bare = await create(app, { destination_url: 'https://example.com/' });
    t.match(bare.slug, /^[A-Za-z0-9]{8}$/, 'a random slug');
    t.equal(bare.short_url, `http://localhost:3003/r/${bare.slug}`);
    t.match(bare, { title: '', tags: [], enabled: true, expires_at: null, max_scans: null, rules: null, scans: 0 });

    const got = await api(app, 'GET', `/api/codes/${full.id}`);
    t.equal(got.statusCode, 200);
    t.same(got.json(), full, 'read back as created');

    await new Promise((r) => setTimeout(r, 5));
    const patched = await api(app, 'PATCH', `/api/codes/${full.id}`, {
      destination_url: 'https://example.com/lunch',
      title: 'Lunch menu',
      tags: ['lunch'],
      enabled: false,
      expires_at: null,
      max_scans: null,
      rules: { desktop: 'https://example.com/lunch.pdf' },
    });
    t.equal(patched.statusCode, 200, patched.body);
    const after = patched.json() as Code;
    t.match(after, {
      id: full.id,
      slug: 'menu-2026',
      short_url: full.short_url,
      destination_url: 'https://example.com/lunch',
      title: 'Lunch menu',
      tags: ['lunch'],
      enabled: false,
      expires_at: null,
      max_scans: null,
      rules: { desktop: 'https://example.com/lunch.pdf' },
      created_at: full.created_at,
    });
    t.ok(Date.parse(after.updated_at) > Date.parse(full.updated_at), 'updated_at moves');
    t.same((await api(app, 'GET', `/api/codes/${full.id}`)).json(), after, 'the change is stored');

    const one = await api(app, 'PATCH', `/api/codes/${full.id}`, { title: 'Only the title' });
    t.match(one.json(), { title: 'Only the title', destination_url: 'https://example.com/lunch', enabled: false });
    const cleared = await api(app, 'PATCH', `/api/codes/${full.id}`, { rules: null, enabled: true });
    t.match(cleared.json(), { rules: null, enabled: true });

    const del = await api(app, 'DELETE', `/api/codes/${full.id}`);
    t.equal(del.statusCode, 204);
    t.equal(del.body, '');
    t.equal((await api(app, 'GET', `/api/codes/${full.id}`)).statusCode, 404);
    t.equal((await api(app, 'DELETE', `/api/codes/${full.id}`)).statusCode, 404, 'a second delete finds nothing');
    t.equal((await api(app, 'PATCH', `/api/codes/${full.id}`, { title: 'x' })).statusCode, 404);
    t.equal((await visit(app, 'menu-2026', UA.iphoneSafari)).statusCode, 404, 'its short link is gone');
    t.equal((await api(app, 'GET', `/api/codes/${bare.id}`)).statusCode, 200, 'the other code stays');
  });

  t.test('should list codes newest first, by page, text, tag and state', async (t) => {
    const app = await h.gateway(t);
    const made: Code[] = [];
    const specs = [
      { destination_url: 'https://shop.example.com/spring', title: 'Spring Sale', tags: ['sale', 'poster'] },
      { destination_url: 'https://example.com/menu', title: 'Menu', tags: ['menu'] },
      { destination_url: 'https://example.com/menus-old', title: 'Old menus', tags: ['menus'], enabled: false },
      { destination_url: 'https://example.com/x', title: '100% off_now', alias: 'Percent' },
      { destination_url: 'https://example.com/y', title: 'Plain' },
    ];
    for (const spec of specs) {
      made.push(await create(app, spec));
      // Distinct creation times: the order is part of the contract.
      await new Promise((r) => setTimeout(r, 3));
    }
    await create(app, { destination_url: 'https://example.com/theirs', title: 'Menu of theirs' }, OTHER_KEY);

    const all = (await api(app, 'GET', '/api/codes')).json();
    t.same(all.pagination, { page: 1, limit: 20, total: 5, pages: 1 });
    t.same(
      all.codes.map((c: Code) => c.id),
      made.map((c) => c.id).reverse(),
      'newest first, only this key',
    );
    for (const c of all.codes) t.same(Object.keys(c).sort(), FIELDS);

    const page2 = (await api(app, 'GET', '/api/codes?page=2&limit=2')).json();
    t.same(page2.pagination, { page: 2, limit: 2, total: 5, pages: 3 });
    t.same(
      page2.codes.map((c: Code) => c.id),
      [made[2]!.id, made[1]!.id],
    );
    const beyond = (await api(app, 'GET', '/api/codes?page=9&limit=2')).json();
    t.same(beyond.codes, []);
    t.equal(beyond.pagination.total, 5);

    const ids = async (query: string) => {
      const res = await api(app, 'GET', `/api/codes?${query}`);
      t.equal(res.statusCode, 200, `${query}: ${res.body}`);
      return (res.json().codes as Code[]).map((c) => c.title).sort();
    };
    t.same(await ids('q=MENU'), ['Menu', 'Old menus'], 'q: title and destination, any case');
    t.same(await ids('q=shop.example'), ['Spring Sale'], 'q: destination');
    t.same(await ids('q=percent'), ['100% off_now'], 'q: slug');
    t.same(await ids('q=%25'), ['100% off_now'], 'q: % is itself, not a wildcard');
    t.same(await ids('q=_'), ['100% off_now'], 'q: _ is itself');
    t.same(await ids('q=nothing-like-it'), []);
    t.same(await ids('tag=menu'), ['Menu'], 'tag: exact, not a prefix of "menus"');
    t.same(await ids('tag=poster'), ['Spring Sale']);
    t.same(await ids('enabled=false'), ['Old menus']);
    t.same(await ids('enabled=true&q=menu'), ['Menu']);
    t.same(await ids('tag=menu&enabled=false'), []);
  });

  t.test('should create a batch all or none, up to BATCH_MAX_ITEMS', async (t) => {
    const app = await h.gateway(t);
    const total = async () => (await api(app, 'GET', '/api/codes?limit=1')).json().pagination.total as number;
    const three = await api(app, 'POST', '/api/codes/batch', {
      codes: [
        { destination_url: 'https://example.com/1', title: 'one' },
        { destination_url: 'https://example.com/2', alias: 'batch-two' },
        { destination_url: 'https://example.com/3', tags: ['t'], max_scans: 3 },
      ],
    });
    t.equal(three.statusCode, 201, three.body);
    const codes = three.json().codes as Code[];
    t.same(
      codes.map((c) => c.destination_url),
      ['https://example.com/1', 'https://example.com/2', 'https://example.com/3'],
      'in the order given',
    );
    t.equal(codes[1]!.slug, 'batch-two');
    for (const c of codes) {
      t.same(Object.keys(c).sort(), FIELDS);
      t.same((await api(app, 'GET', `/api/codes/${c.id}`)).json(), c, 'stored as answered');
    }

    const full = await api(app, 'POST', '/api/codes/batch', {
      codes: Array.from({ length: BATCH_MAX }, (_, i) => ({ destination_url: `https://example.com/full/${i}` })),
    });
    t.equal(full.statusCode, 201, 'exactly the limit');
    t.equal(full.json().codes.length, BATCH_MAX);
    t.equal(new Set(full.json().codes.map((c: Code) => c.slug)).size, BATCH_MAX, 'every slug its own');
    t.equal(await total(), 3 + BATCH_MAX);

    const over = await api(app, 'POST', '/api/codes/batch', {
      codes: Array.from({ length: BATCH_MAX + 1 }, (_, i) => ({ destination_url: `https://example.com/over/${i}` })),
    });
    t.ok([400, 413].includes(over.statusCode), `over the limit: ${over.statusCode}`);
    t.match(over.json().message, new RegExp(`codes.*\\b${BATCH_MAX}\\b`), 'names the field and the limit');

    const bad = await api(app, 'POST', '/api/codes/batch', {
      codes: [
        { destination_url: 'https://example.com/ok' },
        { destination_url: 'https://example.com/ok2', alias: 'would-be-made' },
        { destination_url: 'javascript:alert(1)' },
      ],
    });
    t.equal(bad.statusCode, 400);
    t.match(bad.json().message, /^codes\[2\]\.destination_url /);
    const badRule = await api(app, 'POST', '/api/codes/batch', {
      codes: [{ destination_url: 'https://example.com/ok' }, { destination_url: 'https://e.com', rules: { ios: 'x' } }],
    });
    t.equal(badRule.statusCode, 400);
    t.match(badRule.json().message, /^codes\[1\]\.rules\.ios /);
    const twice = await api(app, 'POST', '/api/codes/batch', {
      codes: [
        { destination_url: 'https://example.com/a', alias: 'same-alias' },
        { destination_url: 'https://example.com/b', alias: 'same-alias' },
      ],
    });
    t.equal(twice.statusCode, 409, 'one alias twice in a batch');
    t.match(twice.json().message, /^codes\[1\]\.alias /);
    const taken = await api(app, 'POST', '/api/codes/batch', {
      codes: [{ destination_url: 'https://example.com/a' }, { destination_url: 'https://e.com', alias: 'batch-two' }],
    });
    t.equal(taken.statusCode, 409);
    t.match(taken.json().message, /^codes\[1\]\.alias "batch-two" is taken/);
    t.equal(await total(), 3 + BATCH_MAX, 'a refused batch creates nothing');
    t.equal((await visit(app, 'would-be-made', UA.iphoneSafari)).statusCode, 404);
    t.equal((await visit(app, 'same-alias', UA.iphoneSafari)).statusCode, 404);
    const empty = await api(app, 'POST', '/api/codes/batch', { codes: [] });
    t.equal(empty.statusCode, 400);
    t.match(empty.json().message, /^body\.codes /);
  });

  t.test('should answer 404 to another key for every route of a code, and list it only to its owner', async (t) => {
    const app = await h.gateway(t);
    const mine = await create(app, { destination_url: 'https://example.com/mine', title: 'mine' });
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, payload] of [
      ['GET', '', undefined],
      ['PATCH', '', { destination_url: 'https://evil.example/' }],
      ['DELETE', '', undefined],
      ['GET', '/image?format=png', undefined],
      ['GET', '/image?format=svg', undefined],
      ['GET', '/stats', undefined],
      ['GET', '/stats?interval=hour', undefined],
    ] as const) {
      const theirs = await api(app, method, `/api/codes/${mine.id}${path}`, payload, OTHER_KEY);
      const none = await api(app, method, `/api/codes/${missing}${path}`, payload, OTHER_KEY);
      t.equal(theirs.statusCode, 404, `${method} ${path}: ${theirs.body}`);
      t.equal(none.statusCode, 404);
      t.equal(
        theirs.json().message.replace(mine.id, 'ID'),
        none.json().message.replace(missing, 'ID'),
        'exactly like a missing code',
      );
      t.equal(
        (await api(app, method, `/api/codes/${mine.id}${path}`, payload, 'no-such-key-0123456789')).statusCode,
        401,
      );
    }
    t.same((await api(app, 'GET', '/api/codes', undefined, OTHER_KEY)).json().codes, []);
    t.same((await api(app, 'GET', '/api/codes?q=mine', undefined, OTHER_KEY)).json().pagination.total, 0);
    t.same((await api(app, 'GET', `/api/codes/${mine.id}`)).json(), mine, 'untouched by the other key');
    t.equal((await visit(app, mine.slug, UA.iphoneSafari)).headers.location, 'https://example.com/mine');
  });

  t.test('should refuse unknown fields with a 400 naming the field', async (t) => {
    const app = await h.gateway(t);
    const code = await create(app, { destination_url: 'https://example.com/' });
    for (const [method, url, payload, field] of [
      ['POST', '/api/codes', { destination_url: 'https://e.com', colour: 'red' }, 'body.colour'],
      ['POST', '/api/codes', { destination_url: 'https://e.com', id: 'mine' }, 'body.id'],
      ['POST', '/api/codes', { destination_url: 'https://e.com', scans: 1000 }, 'body.scans'],
      [
        'POST',
        '/api/codes',
        { destination_url: 'https://e.com', rules: { windows: 'https://e.com' } },
        'body.rules.windows',
      ],
      [
        'POST',
        '/api/codes/batch',
        { codes: [{ destination_url: 'https://e.com', owner: 'x' }] },
        'body.codes[0].owner',
      ],
      ['POST', '/api/codes/batch', { codes: [], options: {} }, 'body.options'],
      ['PATCH', `/api/codes/${code.id}`, { slug: 'new-slug' }, 'body.slug'],
      ['PATCH', `/api/codes/${code.id}`, { alias: 'new-alias' }, 'body.alias'],
      ['PATCH', `/api/codes/${code.id}`, { scans: 0 }, 'body.scans'],
      ['GET', '/api/codes?sort=title', undefined, 'querystring.sort'],
      ['GET', `/api/codes/${code.id}/stats?group=os`, undefined, 'querystring.group'],
      ['GET', `/api/codes/${code.id}/image?colour=red`, undefined, 'querystring.colour'],
    ] as const) {
      const res = await api(app, method, url, payload);
      t.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}`);
      t.equal(res.json().message, `${field} is not an accepted field`);
    }
    t.same((await api(app, 'GET', `/api/codes/${code.id}`)).json(), code, 'nothing changed');
  });
}
