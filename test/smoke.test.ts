import t from 'tap';
import { renderSync } from '../src/index.js';
import { decode } from './helpers/decode.js';

t.test('should decode a rendered png', async (t) => {
  const r = renderSync({ barcode_type: 'qr', data: 'héllo 世界 😀', format: 'png', options: { width: 200 } });
  t.equal(r.success, true);
  if (!r.success || !r.png) return;
  t.equal(await decode(r.png), 'héllo 世界 😀');
});
