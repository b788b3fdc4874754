import t from 'tap';
import { gateway, KEY } from '../helpers/gateway.js';
import { clientOf } from '../../src/gateway/login-failures.js';

const url = '/api/barcodes/qr?data=hello';

t.test('should count wrong keys from one IPv6 /64 together', async (t) => {
  const app = await gateway(t);
  for (let i = 1; i <= 10; i++) {
    const res = await app.inject({
      url,
      remoteAddress: `2001:db8:1:2::${i.toString(16)}`,
      headers: { 'x-api-key': `guess-${i}` },
    });
    t.equal(res.statusCode, 401, `guess ${i} from a new address of the same /64`);
  }
  const blocked = await app.inject({ url, remoteAddress: '2001:db8:1:2:ffff::1', headers: { 'x-api-key': KEY } });
  t.equal(blocked.statusCode, 429, 'the whole /64 waits');
  t.match(blocked.json().message, /^too many wrong API keys from this address: at most 10 per 60 s; retry in \d+ s$/);
  const neighbour = await app.inject({ url, remoteAddress: '2001:db8:1:3::1', headers: { 'x-api-key': KEY } });
  t.equal(neighbour.statusCode, 200, 'the next /64 is another client');
});

t.test('should count a proxied client by its forwarded address when TRUST_PROXY is set', async (t) => {
  const app = await gateway(t, { TRUST_PROXY: 'true' });
  const from = (client: string, key: string) =>
    app.inject({ url, remoteAddress: '10.0.0.254', headers: { 'x-forwarded-for': client, 'x-api-key': key } });
  for (let i = 0; i < 10; i++) t.equal((await from('198.51.100.7', `guess-${i}`)).statusCode, 401);
  t.equal((await from('198.51.100.7', KEY)).statusCode, 429, 'the guessing client waits');
  t.equal((await from('198.51.100.8', KEY)).statusCode, 200, 'others behind the same proxy do not');
});

t.test('should name the client an address is counted under', async (t) => {
  t.equal(clientOf('10.0.0.1'), '10.0.0.1');
  t.equal(clientOf('::ffff:10.0.0.1'), '10.0.0.1', 'IPv4-mapped IPv6 is the IPv4 client');
  t.equal(clientOf('2001:db8:1:2:3:4:5:6'), clientOf('2001:db8:1:2::9'));
  t.not(clientOf('2001:db8:1:2::1'), clientOf('2001:db8:1:3::1'));
});
