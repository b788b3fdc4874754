/** `batchcode render`: one code to a file and to stdout, decoded with ZXing; failures and their exit codes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { decode, pngSize } from '../helpers/decode.js';
import { cli, tempDir } from '../helpers/cli.js';

t.test('should write a PNG file whose format and size come from the flags', async (t) => {
  const dir = tempDir(t);
  const run = await cli([
    'render',
    'qr',
    'https://example.com/ü',
    '-o',
    join(dir, 'code.png'),
    '--width',
    '300',
    '--error-correction',
    'H',
  ]);
  t.equal(run.code, 0, run.stderr);
  const png = readFileSync(join(dir, 'code.png'));
  t.same(pngSize(png), { width: 300, height: 300 });
  t.equal(await decode(png), 'https://example.com/ü');
});

t.test('should write SVG to stdout, with --options under the flags', async (t) => {
  const run = await cli([
    'render',
    'code128',
    'ABC-123',
    '--options',
    '{"show_text":false,"foreground":"navy"}',
    '--show-text',
  ]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.out, /^<svg/);
  t.match(run.out, /<text/, '--show-text wins over --options');
  t.equal(await decode(run.out), 'ABC-123');
  const png = await cli(['render', 'ean13', '400638133393', '--format', 'png', '-o', '-']);
  t.equal(png.code, 0);
  t.equal(await decode(png.stdout), '4006381333931', 'the check digit is added');
});

t.test('should exit 1 for data the symbology refuses, 2 for a wrong command', async (t) => {
  const digit = await cli(['render', 'ean13', '4006381333932']);
  t.equal(digit.code, 1);
  t.equal(digit.stderr, 'batchcode: INVALID_DATA: EAN-13 check digit should be 1, got 2\n');
  const cases: [string[], RegExp][] = [
    [['render', 'qr', 'x', '--width', '0'], /options\.width must be a whole number from 1 to \d+; got 0/],
    [['render', 'qr', 'x', '--width', 'big'], /--width must be a whole number; got "big"/],
    [['render', 'nope', 'x'], /barcode_type must be one of/],
    [['render', 'qr'], /missing required argument 'data'/],
    [['render', 'qr', 'x', '--options', '{bad'], /--options must be a JSON object/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, message] of cases) {
    const run = await cli(args);
    t.equal(run.code, 2, args.join(' '));
    t.match(run.stderr, message, args.join(' '));
  }
});
