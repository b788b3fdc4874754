/** The short link: redirects, 404 and 410 pages, device rules, images that decode to it, a real client following it. */
import type { Test } from 'tap';
import { decode, pngSize } from '../decode.js';
import { KEY } from '../gateway.js';
import { freePort } from '../redis.js';
import { api, create, destinationSite, type Stats, type StoreHarness, UA, visit } from './harness.js';

export function redirectContract(t: Test, h: StoreHarness): void {
  t.test('should redirect with 302, count GETs only, and answer 404 and 410 pages', async (t) => {
    // Scans stay buffered through the test (stats flush them): limits must hold all the same.
    const app = await h.gateway(t, { SCAN_FLUSH_MS: '60000' });
    const code = await create(app, { destination_url: 'https://example.com/landing?utm=qr' });
    const res = await visit(app, code.slug, UA.iphoneSafari);
    t.equal(res.statusCode, 302);
    t.equal(res.headers.location, 'https://example.com/landing?utm=qr');
    t.equal(res.headers['cache-control'], 'private, max-age=0');
    t.equal(res.body, '');
    const noKey = await app.inject({
      method: 'GET',
      url: `/r/${code.slug}`,
      headers: { 'x-api-key': 'wrong-key-0123456789' },
    });
    t.equal(noKey.statusCode, 302, 'no key needed, a wrong one ignored');

    for (let i = 0; i < 3; i++) {
      const head = await visit(app, code.slug, UA.androidChrome, { method: 'HEAD' });
      t.equal(head.statusCode, 302);
      t.equal(head.headers.location, 'https://example.com/landing?utm=qr');
      t.equal(head.headers['cache-control'], 'private, max-age=0');
    }
    const stats = (await api(app, 'GET', `/api/codes/${code.id}/stats`)).json() as Stats;
    t.equal(stats.total, 2, 'the two GETs, not the HEADs');
    t.equal(stats.bots, 0);
    t.same(stats.devices, { ios: 1, android: 0, desktop: 0, other: 1 });
    t.equal((await api(app, 'GET', `/api/codes/${code.id}`)).json().scans, 2);

    const missing = await visit(app, 'NoSuchSlug', UA.iphoneSafari);
    t.equal(missing.statusCode, 404);
    t.match(missing.headers['content-type'], /^text\/html/);
    t.match(missing.body, /<title>Link not found<\/title>/);
    t.notOk(missing.body.includes('NoSuchSlug'), 'the page does not echo the request');
    t.equal((await visit(app, 'NoSuchSlug', UA.iphoneSafari, { method: 'HEAD' })).statusCode, 404);

    const gone = async (slug: string, reason: RegExp) => {
      for (const method of ['GET', 'HEAD'] as const) {
        const r = await visit(app, slug, UA.windowsChrome, { method });
        t.equal(r.statusCode, 410, `${slug} ${method}`);
        t.equal(r.headers.location, undefined);
        t.equal(r.headers['cache-control'], 'private, max-age=0');
        t.match(r.headers['content-type'], /^text\/html/);
        if (method === 'GET') t.match(r.body, reason);
      }
    };

    const off = await create(app, { destination_url: 'https://example.com/off', enabled: false });
    await gone(off.slug, /disabled/);
    await api(app, 'PATCH', `/api/codes/${off.id}`, { enabled: true });
    t.equal((await visit(app, off.slug, UA.windowsChrome)).statusCode, 302, 'enabled again');
    await api(app, 'PATCH', `/api/codes/${off.id}`, { enabled: false });
    await gone(off.slug, /disabled/);

    const old = await create(app, { destination_url: 'https://example.com/old', expires_at: '2020-01-01T00:00:00Z' });
    await gone(old.slug, /expired/);
    await api(app, 'PATCH', `/api/codes/${old.id}`, { expires_at: new Date(Date.now() + 60_000).toISOString() });
    t.equal((await visit(app, old.slug, UA.windowsChrome)).statusCode, 302, 'a later expiry revives it');
    await api(app, 'PATCH', `/api/codes/${old.id}`, { expires_at: new Date(Date.now() - 1000).toISOString() });
    await gone(old.slug, /expired/);

    const limited = await create(app, { destination_url: 'https://example.com/twice', max_scans: 2 });
    t.equal((await visit(app, limited.slug, UA.iphoneSafari, { method: 'HEAD' })).statusCode, 302, 'HEAD uses none');
    t.equal((await visit(app, limited.slug, UA.googlebot)).statusCode, 302, 'a bot uses none');
    t.equal((await visit(app, limited.slug, UA.iphoneSafari)).statusCode, 302);
    t.equal((await visit(app, limited.slug, UA.androidChrome)).statusCode, 302);
    await gone(limited.slug, /limit of scans/);
    await api(app, 'PATCH', `/api/codes/${limited.id}`, { title: 'an edit re-reads the code' });
    await gone(limited.slug, /limit of scans/);
    await api(app, 'PATCH', `/api/codes/${limited.id}`, { max_scans: 3 });
    t.equal((await visit(app, limited.slug, UA.iphoneSafari)).statusCode, 302, 'a higher limit allows one more');
    await gone(limited.slug, /limit of scans/);
    await api(app, 'PATCH', `/api/codes/${limited.id}`, { max_scans: null });
    t.equal((await visit(app, limited.slug, UA.iphoneSafari)).statusCode, 302, 'no limit');
    t.equal((await api(app, 'GET', `/api/codes/${limited.id}/stats`)).json().total, 4);
  });

  t.test('should send iOS, Android and desktop visitors where the rules say', async (t) => {
    const app = await h.gateway(t);
    const rules = {
      ios: 'https://apps.apple.com/app/id123',
      android: 'https://play.google.com/store/apps/details?id=com.example',
      desktop: 'https://example.com/desktop',
    };
    const code = await create(app, { destination_url: 'https://example.com/default', rules });
    const where = async (ua: string) => (await visit(app, code.slug, ua)).headers.location;
    const table: [string, string][] = [
      [UA.iphoneSafari, rules.ios],
      [UA.ipad, rules.ios],
      [UA.ipadDesktopMode, rules.ios],
      [UA.androidChrome, rules.android],
      [UA.samsung, rules.android],
      [UA.windowsEdge, rules.desktop],
      [UA.macSafari, rules.desktop],
      [UA.linuxFirefox, rules.desktop],
      [UA.playstation, 'https://example.com/default'],
    ];
    for (const [ua, expected] of table) t.equal(await where(ua), expected, ua);

    await api(app, 'PATCH', `/api/codes/${code.id}`, { rules: { ios: rules.ios } });
    t.equal(await where(UA.iphoneSafari), rules.ios);
    t.equal(await where(UA.androidChrome), 'https://example.com/default', 'no Android rule any more');
    t.equal(await where(UA.windowsChrome), 'https://example.com/default');

    await api(app, 'PATCH', `/api/codes/${code.id}`, { destination_url: 'https://example.com/new' });
    t.equal(await where(UA.windowsChrome), 'https://example.com/new', 'the next GET after a PATCH goes to the new one');
    t.equal(await where(UA.iphoneSafari), rules.ios, 'rules kept');
    await api(app, 'PATCH', `/api/codes/${code.id}`, { rules: null });
    t.equal(await where(UA.iphoneSafari), 'https://example.com/new');
  });

  t.test('should render the code as PNG and SVG that decode to its short link, with ETags', async (t) => {
    const app = await h.gateway(t, { PUBLIC_BASE_URL: 'https://q.example.com/r/' });
    const code = await create(app, { destination_url: 'https://example.com/poster' });
    t.equal(code.short_url, `https://q.example.com/r/${code.slug}`, 'PUBLIC_BASE_URL without its trailing slash');

    const png = await api(app, 'GET', `/api/codes/${code.id}/image?format=png&width=300`);
    t.equal(png.statusCode, 200, png.body.slice(0, 200));
    t.equal(png.headers['content-type'], 'image/png');
    t.same(pngSize(png.rawPayload), { width: 300, height: 300 });
    t.equal(await decode(png.rawPayload), code.short_url);

    const svg = await api(app, 'GET', `/api/codes/${code.id}/image?format=svg`);
    t.equal(svg.statusCode, 200);
    t.equal(svg.headers['content-type'], 'image/svg+xml; charset=utf-8');
    t.equal(await decode(svg.body), code.short_url, 'the SVG, rasterised');
    t.equal(
      await decode((await api(app, 'GET', `/api/codes/${code.id}/image`)).body),
      code.short_url,
      'SVG by default',
    );

    const etag = png.headers.etag as string;
    t.match(etag, /^"[\w-]+"$/);
    const again = await app.inject({
      url: `/api/codes/${code.id}/image?format=png&width=300`,
      headers: { 'x-api-key': KEY, 'if-none-match': etag },
    });
    t.equal(again.statusCode, 304);
    t.equal(again.body, '');
    t.not(svg.headers.etag, etag, 'another format, another tag');

    // Editing the destination keeps the printed image valid: same link, same picture.
    await api(app, 'PATCH', `/api/codes/${code.id}`, { destination_url: 'https://example.com/elsewhere' });
    const after = await api(app, 'GET', `/api/codes/${code.id}/image?format=png&width=300`);
    t.equal(after.headers.etag, etag);
    t.same(after.rawPayload, png.rawPayload);

    const other = await create(app, { destination_url: 'https://example.com/poster' });
    const otherPng = await api(app, 'GET', `/api/codes/${other.id}/image?format=png&width=300`);
    t.not(otherPng.headers.etag, etag, "another code's image has its own tag");
    t.equal(await decode(otherPng.rawPayload), other.short_url);
    const stale = await app.inject({
      url: `/api/codes/${other.id}/image?format=png&width=300`,
      headers: { 'x-api-key': KEY, 'if-none-match': etag },
    });
    t.equal(stale.statusCode, 200, "one code's tag does not match another's image");
  });

  t.test('should land a real HTTP client that follows the decoded link on the destination', async (t) => {
    const site = await destinationSite(t);
    const port = await freePort();
    const env = h.fresh(t, { PORT: String(port), HOST: '127.0.0.1', PUBLIC_BASE_URL: `http://127.0.0.1:${port}/r` });
    const app = await h.open(t, env);
    await app.listen({ port, host: '127.0.0.1' });

    const code = await create(app, { destination_url: `${site}/first?from=qr` });
    const png = await api(app, 'GET', `/api/codes/${code.id}/image?format=png`);
    const link = await decode(png.rawPayload);
    t.equal(link, code.short_url);
    t.equal(link, `http://127.0.0.1:${port}/r/${code.slug}`);

    const first = await fetch(link!);
    t.equal(first.status, 200);
    t.equal(first.url, `${site}/first?from=qr`);
    t.equal(await first.text(), 'landed on /first?from=qr');

    const patched = await api(app, 'PATCH', `/api/codes/${code.id}`, { destination_url: `${site}/second` });
    t.equal(patched.statusCode, 200);
    const second = await fetch(link!);
    t.equal(await second.text(), 'landed on /second', 'the same printed link, the new destination');
    t.equal(second.url, `${site}/second`);

    const hop = await fetch(link!, { redirect: 'manual' });
    t.equal(hop.status, 302);
    t.equal(hop.headers.get('location'), `${site}/second`);
    t.equal(hop.headers.get('cache-control'), 'private, max-age=0');

    await api(app, 'DELETE', `/api/codes/${code.id}`);
    const gone = await fetch(link!);
    t.equal(gone.status, 404);
    t.match(await gone.text(), /Link not found/);
  });
}
