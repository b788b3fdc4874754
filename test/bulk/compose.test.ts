/** docker-compose.yml and the Dockerfile: accepted by `docker-compose config`, with the services bulk jobs and dynamic codes need. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';

const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

t.test(
  'should be accepted by docker-compose config',
  { skip: hasCompose ? false : 'docker-compose is not installed' },
  async (t) => {
    const env = { ...process.env, API_KEYS: '', POSTGRES_PASSWORD: '', PUBLIC_BASE_URL: '' };
    const out = execFileSync('docker-compose', ['config'], { encoding: 'utf8', env });
    for (const service of ['api:', 'worker:', 'redis:', 'postgres:']) {
      t.match(out, new RegExp(`^  ${service}`, 'm'), service);
    }
    t.match(
      out,
      /DATABASE_URL: postgres:\/\/batchcode:batchcode@postgres:5432\/batchcode/,
      'the api gets the database',
    );
    t.match(out, /PUBLIC_BASE_URL: http:\/\/localhost:3003\/r/);
    t.match(out, /pg_isready/, 'postgres has a health check');
    t.match(out, /postgres-data:\/var\/lib\/postgresql\/data/, 'and a volume');
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
  t.match(file, /npm rebuild better-sqlite3/, 'the embedded database is built, though install scripts are skipped');
  t.match(file, /FROM node:20-bookworm-slim/);
  t.match(file, /native\/node\/package\.json/, 'the addon loader keeps its CommonJS package.json');
});
