/** docker-compose.yml and the Dockerfile: accepted by `docker-compose config`, with the services bulk jobs need. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';

const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

t.test(
  'should be accepted by docker-compose config',
  { skip: hasCompose ? false : 'docker-compose is not installed' },
  async (t) => {
    const out = execFileSync('docker-compose', ['config'], { encoding: 'utf8', env: { ...process.env, API_KEYS: '' } });
    for (const service of ['api:', 'worker:', 'redis:']) t.match(out, new RegExp(`^  ${service}`, 'm'), service);
    t.match(out, /appendonly/);
    t.match(out, /noeviction/);
    t.match(out, /healthcheck:/);
    t.match(out, /dist\/bin\/worker\.js/);
  },
);

t.test('should build the addon in a multi-stage Dockerfile', async (t) => {
  const file = readFileSync('Dockerfile', 'utf8');
  t.equal(file.match(/^FROM /gm)?.length, 2, 'two stages');
  t.match(file, /rustup/);
  t.match(file, /npm ci/);
  t.match(file, /npm run build/);
  t.match(file, /FROM node:20-bookworm-slim/);
  t.match(file, /native\/node\/package\.json/, 'the addon loader keeps its CommonJS package.json');
});
