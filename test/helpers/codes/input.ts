/** Bad input: destinations, Location headers, aliases, and hostile requests that must never be a 500. */
import type { InjectOptions } from 'fastify';
import type { Test } from 'tap';
import { KEY, OTHER_KEY } from '../gateway.js';
import { api, create, type StoreHarness, UA, visit } from './harness.js';

export function inputContract(t: Test, h: StoreHarness): void {
  t.test('should refuse destinations that are not absolute http(s) URLs, naming the field', async (t) => {
    const app = await h.gateway(t);
    const code = await create(app, { destination_url: 'https://example.com/' });
    const bad = [
      'javascript:alert(document.cookie)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://example.com/file',
      'mailto:someone@example.com',
      '/relative/path',
      'relative/path',
      '//example.com/protocol-relative',
      'example.com',
      'http://',
      `https://example.com/${'a'.repeat(2049 - 20)}`,
      'https://user:secret@example.com/',
      'https://user@example.com/',
      'https://example.com/with space',
      ' https://example.com/',
      'https://example.com/\ttab',
      'https://example.com/\nnewline',
      'https://exa mple.com/',
      '',
    ];
    t.ok(bad[12]!.length > 2048);
    for (const url of bad) {
      const label = JSON.stringify(url.slice(0, 50));
      const made = await api(app, 'POST', '/api/codes', { destination_url: url });
      t.equal(made.statusCode, 400, `create ${label}`);
      t.match(made.json().message, /^(body\.)?destination_url /, `create ${label}: ${made.json().message}`);
      const changed = await api(app, 'PATCH', `/api/codes/${code.id}`, { destination_url: url });
      t.equal(changed.statusCode, 400, `patch ${label}`);
      t.match(changed.json().message, /^(body\.)?destination_url /);
      for (const device of ['ios', 'android', 'desktop']) {
        const rule = await api(app, 'POST', '/api/codes', {
          destination_url: 'https://example.com/',
          rules: { [device]: url },
        });
        t.equal(rule.statusCode, 400, `rules.${device} ${label}`);
        t.match(rule.json().message, new RegExp(`^(body\\.)?rules\\.${device} `));
      }
      const patchRule = await api(app, 'PATCH', `/api/codes/${code.id}`, { rules: { android: url } });
      t.equal(patchRule.statusCode, 400);
      t.match(patchRule.json().message, /^(body\.)?rules\.android /);
    }
    t.equal((await api(app, 'GET', '/api/codes')).json().pagination.total, 1, 'none was made');
    t.same((await api(app, 'GET', `/api/codes/${code.id}`)).json(), code, 'none was stored');

    const longest = `https://example.com/${'a'.repeat(2048 - 20)}`;
    t.equal(longest.length, 2048);
    const ok = await api(app, 'POST', '/api/codes', { destination_url: longest });
    t.equal(ok.statusCode, 201, '2,048 characters is allowed');
    t.equal((await visit(app, ok.json().slug, UA.iphoneSafari)).headers.location, longest);
  });

  t.test('should send visitors where a browser would read the destination, in a valid Location', async (t) => {
    const app = await h.gateway(t);
    for (const [given, location] of [
      // Node refuses such characters in a header: percent-encoded, and the host in punycode.

      [
        'https://example.com/日本/メニュー?q=ä',
        'https://example.com/%E6%97%A5%E6%9C%AC/%E3%83%A1%E3%83%8B%E3%83%A5%E3%83%BC?q=%C3%A4',
      ],
      ['https://bücher.example/café', 'https://xn--bcher-kva.example/caf%C3%A9'],
      // Sent as written, these would resolve against the short link's own host.
      ['https:example.com/x', 'https://example.com/x'],
      ['https:/example.com/x', 'https://example.com/x'],
      ['HTTPS://Example.COM/Path', 'https://example.com/Path'],
    ]) {
      const code = await create(app, { destination_url: given, rules: { ios: given } });
      t.equal(code.destination_url, given, 'stored as given');
      for (const ua of [UA.windowsChrome, UA.iphoneSafari]) {
        const res = await visit(app, code.slug, ua);
        t.equal(res.statusCode, 302, `${given}: ${res.body}`);
        t.equal(res.headers.location, location);
      }
    }
  });

  t.test('should take an alias once, refuse reserved words and bad patterns', async (t) => {
    const app = await h.gateway(t);
    // A slug looked up before it exists is remembered as missing; creating it must end that.
    t.equal((await visit(app, 'spring-sale', UA.iphoneSafari)).statusCode, 404);
    const first = await create(app, { destination_url: 'https://example.com/a', alias: 'spring-sale' });
    t.equal((await visit(app, 'spring-sale', UA.iphoneSafari)).headers.location, 'https://example.com/a');

    const again = await api(app, 'POST', '/api/codes', {
      destination_url: 'https://example.com/b',
      alias: 'spring-sale',
    });
    t.equal(again.statusCode, 409);
    t.match(again.json().message, /^alias "spring-sale" is taken/);
    const byOther = await api(
      app,
      'POST',
      '/api/codes',
      { destination_url: 'https://example.com/b', alias: 'spring-sale' },
      OTHER_KEY,
    );
    t.equal(byOther.statusCode, 409, 'slugs are one namespace for every key');
    t.equal((await visit(app, 'spring-sale', UA.iphoneSafari)).headers.location, 'https://example.com/a', 'kept');

    for (const word of ['api', 'r', 'docs', 'health', 'ready', 'admin', 'API', 'Docs']) {
      const res = await api(app, 'POST', '/api/codes', { destination_url: 'https://e.com', alias: word });
      t.equal(res.statusCode, 400, word);
      // One letter is below the pattern's three: refused by the schema before the word list.
      t.match(res.json().message, word === 'r' ? /^body\.alias / : new RegExp(`^alias "${word}" is a reserved word`));
    }
    for (const alias of ['ab', 'a'.repeat(65), 'has space', 'slash/es', 'dot.ted', 'ümlaut', '%41bc', '']) {
      const res = await api(app, 'POST', '/api/codes', { destination_url: 'https://e.com', alias });
      t.equal(res.statusCode, 400, JSON.stringify(alias));
      t.match(res.json().message, /^body\.alias /);
    }
    const edge = await create(app, { destination_url: 'https://e.com', alias: `A-_${'z'.repeat(61)}` });
    t.equal(edge.slug.length, 64);

    // Slugs are case-sensitive, as random ones are: alike in one batch and in separate requests.
    const cased = await api(app, 'POST', '/api/codes/batch', {
      codes: [
        { destination_url: 'https://example.com/upper', alias: 'Menu' },
        { destination_url: 'https://example.com/lower', alias: 'menu' },
      ],
    });
    t.equal(cased.statusCode, 201, cased.body);
    const alone = await api(app, 'POST', '/api/codes', { destination_url: 'https://example.com/x', alias: 'MENU' });
    t.equal(alone.statusCode, 201, alone.body);
    t.equal((await visit(app, 'Menu', UA.iphoneSafari)).headers.location, 'https://example.com/upper');
    t.equal((await visit(app, 'menu', UA.iphoneSafari)).headers.location, 'https://example.com/lower');
    const twice = await api(app, 'POST', '/api/codes/batch', {
      codes: [
        { destination_url: 'https://example.com/1', alias: 'twice' },
        { destination_url: 'https://example.com/2', alias: 'twice' },
      ],
    });
    t.equal(twice.statusCode, 409);
    t.match(twice.json().message, /^codes\[1\]\.alias "twice" is taken/);
    t.equal((await api(app, 'GET', '/api/codes')).json().pagination.total, 5);
    t.equal((await api(app, 'GET', `/api/codes/${first.id}`)).statusCode, 200);
  });

  t.test('should answer no hostile input with a 500', async (t) => {
    const app = await h.gateway(t);
    const code = await create(app, { destination_url: 'https://example.com/', title: 'target' });
    const json = { 'content-type': 'application/json', 'x-api-key': KEY };
    const cases: InjectOptions[] = [
      ...[
        null,
        [],
        'text',
        42,
        {},
        { destination_url: null },
        { destination_url: 42 },
        { destination_url: ['https://e.com'] },
        { destination_url: { href: 'https://e.com' } },
        { destination_url: 'https://e.com', title: 'x'.repeat(201) },
        { destination_url: 'https://e.com', title: 'nul\u0000byte' },
        { destination_url: 'https://e.com', title: 42 },
        { destination_url: 'https://e.com', tags: 'menu' },
        { destination_url: 'https://e.com', tags: ['<script>'] },
        { destination_url: 'https://e.com', tags: [''] },
        { destination_url: 'https://e.com', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
        { destination_url: 'https://e.com', tags: ['x'.repeat(33)] },
        { destination_url: 'https://e.com', enabled: 'yes' },
        { destination_url: 'https://e.com', expires_at: 'tomorrow' },
        { destination_url: 'https://e.com', expires_at: '2026-02-30T00:00:00Z' },
        { destination_url: 'https://e.com', expires_at: '99999-01-01T00:00:00Z' },
        { destination_url: 'https://e.com', expires_at: 1767225600000 },
        { destination_url: 'https://e.com', max_scans: 0 },
        { destination_url: 'https://e.com', max_scans: -1 },
        { destination_url: 'https://e.com', max_scans: 1.5 },
        { destination_url: 'https://e.com', max_scans: 2 ** 31 },
        { destination_url: 'https://e.com', max_scans: '10' },
        { destination_url: 'https://e.com', rules: [] },
        { destination_url: 'https://e.com', rules: 'ios' },
        { destination_url: 'https://e.com', rules: { ios: null } },
        { destination_url: 'https://e.com', alias: 42 },
        { destination_url: 'https://e.com', alias: 'a\u0000b' },
      ].map((payload) => ({
        method: 'POST' as const,
        url: '/api/codes',
        headers: json,
        payload: JSON.stringify(payload),
      })),
      { method: 'POST', url: '/api/codes', headers: json, payload: '{"destination_url":' },
      {
        method: 'POST',
        url: '/api/codes',
        headers: json,
        payload: '{"__proto__":{"admin":true},"destination_url":"https://e.com"}',
      },
      {
        method: 'POST',
        url: '/api/codes',
        headers: json,
        payload: '{"constructor":{"prototype":{"x":1}},"destination_url":"https://e.com"}',
      },
      { method: 'POST', url: '/api/codes', headers: json, payload: '['.repeat(5000) + ']'.repeat(5000) },
      {
        method: 'POST',
        url: '/api/codes',
        headers: { ...json, 'content-type': 'text/plain' },
        payload: 'https://e.com',
      },
      { method: 'POST', url: '/api/codes/batch', headers: json, payload: JSON.stringify({ codes: {} }) },
      { method: 'POST', url: '/api/codes/batch', headers: json, payload: JSON.stringify({ codes: [null] }) },
      {
        method: 'POST',
        url: '/api/codes/batch',
        headers: json,
        payload: JSON.stringify([{ destination_url: 'https://e.com' }]),
      },
      { method: 'PATCH', url: `/api/codes/${code.id}`, headers: json, payload: '{}' },
      { method: 'PATCH', url: `/api/codes/${code.id}`, headers: json, payload: 'null' },
      { method: 'PATCH', url: `/api/codes/${code.id}`, headers: json, payload: JSON.stringify({ title: 'a\u0000b' }) },
      { method: 'PATCH', url: `/api/codes/${code.id}`, headers: json, payload: JSON.stringify({ enabled: null }) },
      { method: 'PATCH', url: `/api/codes/${code.id}`, headers: json, payload: JSON.stringify({ tags: null }) },
      {
        method: 'PATCH',
        url: `/api/codes/${code.id}`,
        headers: json,
        payload: JSON.stringify({ destination_url: null }),
      },
      ...[
        `/api/codes/${'x'.repeat(65)}`,
        '/api/codes/%00',
        '/api/codes/a%00b',
        "/api/codes/1'%20OR%20'1'='1",
        '/api/codes/%E0%A4%A',
        '/api/codes/..%2F..%2Fetc%2Fpasswd',
        `/api/codes/${code.id}/image?format=gif`,
        `/api/codes/${code.id}/image?width=0`,
        `/api/codes/${code.id}/image?width=999999`,
        `/api/codes/${code.id}/image?barcode_type=ean13`,
        `/api/codes/${code.id}/image?barcode_type=nope`,
        `/api/codes/${code.id}/image?foreground=reed`,
        `/api/codes/${code.id}/stats?from=%00`,
        `/api/codes/${code.id}/stats?from=${'9'.repeat(41)}`,
        `/api/codes/${code.id}/stats?from=2026-01-01&from=2026-02-01`,
        `/api/codes/${code.id}/stats?interval=`,
        `/api/codes?q=${'x'.repeat(201)}`,
        '/api/codes?tag=%00',
        '/api/codes?enabled=maybe',
        '/api/codes?limit=0',
        '/api/codes?limit=101',
        '/api/codes?page=-1',
        '/api/codes?page=1e3',
        '/api/codes?page=99999999999',
      ].map((url) => ({ method: 'GET' as const, url, headers: { 'x-api-key': KEY } })),
      ...[
        '/r/%00',
        '/r/a%00b',
        '/r/..%2F..%2Fetc',
        '/r/%E0%A4%A',
        `/r/${'a'.repeat(5000)}`,
        '/r/',
        '/r/a%2Fb',
        "/r/'%20OR%20'1'='1",
        '/r/%F0%9F%98%80',
      ].flatMap((url) => [
        { method: 'GET' as const, url },
        { method: 'HEAD' as const, url },
      ]),
    ];
    const label = (c: InjectOptions) =>
      `${c.method} ${String(c.url).slice(0, 60)} ${String(c.payload ?? '').slice(0, 80)}`;
    for (const c of cases) {
      const res = await app.inject(c);
      t.ok(res.statusCode >= 400 && res.statusCode < 500, `${label(c)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    t.same((await api(app, 'GET', `/api/codes/${code.id}`)).json(), code, 'the code is untouched');
    t.equal((await api(app, 'GET', '/api/codes')).json().pagination.total, 1, 'and no other was made');

    // Odd but acceptable: answered either way, never with a 500.
    const odd: InjectOptions[] = [
      ...['/api/codes?q=%00', "/api/codes?q='%20OR%201=1--", '/api/codes?q=%5C', '/api/codes?q=%F0%9F%98%80'].map(
        (url) => ({ method: 'GET' as const, url, headers: { 'x-api-key': KEY } }),
      ),
      {
        method: 'POST',
        url: '/api/codes',
        headers: json,
        payload: JSON.stringify({ destination_url: 'https://e.com', title: '\ud800 lone surrogate' }),
      },
    ];
    for (const c of odd) {
      const res = await app.inject(c);
      t.ok(res.statusCode < 500, `${label(c)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted');
  });
}
