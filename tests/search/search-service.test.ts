import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applySettings,
  createMeiliClient,
  getSearchService,
  indexDefinitions,
  indexUid,
  meiliPaths,
  searchHealth,
  startMeilisearch,
  stopSearchService,
  type ContentDocument,
  type MeilisearchProcess,
} from '../../search/index';

const ENV_KEYS = ['MEILI_URL', 'MEILI_MASTER_KEY', 'MEILI_BIN', 'MEILI_INDEX_PREFIX', 'MEILI_MAX_INDEXING_MEMORY', 'ATRIUM_DATA_DIR'] as const;
const STATE_KEY = '__atriumSearchService';
const g = globalThis as Record<string, unknown>;
let savedEnv: Record<string, string | undefined> = {};

const tempDirs: string[] = [];
const children: MeilisearchProcess[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'atrium-search-test-'));
  tempDirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<MeilisearchProcess> {
  const child = await startMeilisearch({ dataDir });
  children.push(child);
  return child;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sorted = (list: unknown) => [...(list as string[])].sort();

// The vitest config runs files of a worker in one module graph (isolate: false):
// leave other files' environment and search service as they were.
beforeAll(() => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  for (const key of ENV_KEYS) delete process.env[key];
});

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop()));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

describe('startMeilisearch', () => {
  let dataDir: string;
  let meili: MeilisearchProcess;

  beforeAll(async () => {
    dataDir = await tempDir();
    meili = await start(dataDir);
  });

  afterEach(() => {
    delete process.env.MEILI_INDEX_PREFIX;
    delete process.env.MEILI_BIN;
  });

  it('serves a healthy, key-protected server on 127.0.0.1', async () => {
    expect(meili.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(isAlive(meili.pid)).toBe(true);

    const health = await fetch(`${meili.url}/health`);
    expect(await health.json()).toEqual({ status: 'available' });

    expect((await fetch(`${meili.url}/version`)).status).toBe(401);
    const version = await fetch(`${meili.url}/version`, { headers: { Authorization: `Bearer ${meili.masterKey}` } });
    expect(version.status).toBe(200);
    expect((await version.json()).pkgVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs with a bounded indexing memory (512 MiB unless MEILI_MAX_INDEXING_MEMORY says otherwise); a bad size is refused', async () => {
    const args = (await readFile(`/proc/${meili.pid}/cmdline`, 'utf8')).split('\0');
    expect(args[args.indexOf('--max-indexing-memory') + 1]).toBe('512Mb');
    process.env.MEILI_MAX_INDEXING_MEMORY = '300Mb';
    try {
      const other = await start(await tempDir());
      const otherArgs = (await readFile(`/proc/${other.pid}/cmdline`, 'utf8')).split('\0');
      expect(otherArgs[otherArgs.indexOf('--max-indexing-memory') + 1]).toBe('300Mb');
      expect((await fetch(`${other.url}/health`)).status).toBe(200);
      await other.stop();
      process.env.MEILI_MAX_INDEXING_MEMORY = 'lots';
      await expect(startMeilisearch({ dataDir: await tempDir() })).rejects.toThrow(/MEILI_MAX_INDEXING_MEMORY: a size such as 512Mb/);
    } finally {
      delete process.env.MEILI_MAX_INDEXING_MEMORY;
    }
  });

  it('persists a random 0600 master key and keeps data, dumps, snapshots and logs under <dataDir>/meili', async () => {
    const paths = meiliPaths(dataDir);
    expect(meili.masterKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await readFile(paths.masterKeyFile, 'utf8')).trim()).toBe(meili.masterKey);
    expect((await stat(paths.masterKeyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(paths.dbPath)).isDirectory()).toBe(true);
    expect((await stat(paths.dumpDir)).isDirectory()).toBe(true);
    expect((await stat(paths.snapshotDir)).isDirectory()).toBe(true);
    expect(await readFile(paths.logFile, 'utf8')).toContain(`Server listening on:\t"${meili.url}"`);
  });

  it('refuses to start a second server on the same data dir', async () => {
    await expect(startMeilisearch({ dataDir })).rejects.toThrow(`Meilisearch (pid ${meili.pid}`);
  });

  it('applySettings creates both indexes and the settings read back as configured', async () => {
    process.env.MEILI_INDEX_PREFIX = 'settings_test';
    const client = createMeiliClient(meili.url, meili.masterKey);

    const result = await applySettings(client);
    expect(result.created).toEqual(['settings_test_content', 'settings_test_people']);
    expect(result.updated).toEqual(['settings_test_content', 'settings_test_people']);

    const content = await client.index(indexUid('content')).getSettings();
    expect(content.searchableAttributes).toEqual(['title', 'text', 'tags', 'cashtags', 'authorName']);
    // only what the app filters on; range filters on createdDay alone; no facet search (freshness on a big index)
    expect(content.filterableAttributes).toEqual(indexDefinitions.content.settings.filterableAttributes);
    const rules = content.filterableAttributes as { attributePatterns: string[]; features: { filter: { comparison: boolean } } }[];
    expect(sorted(rules.flatMap((r) => r.attributePatterns))).toEqual(
      sorted(['orgId', 'spaceId', 'visibility', 'authorDepartment', 'rootAuthorDepartment', 'spaceDepartments', 'topics', 'deleted', 'held', 'heldFor', 'hidden', 'hiddenVisibleTo', 'kind', 'tags', 'createdDay', 'accepted']),
    );
    expect(rules.filter((r) => r.features.filter.comparison).flatMap((r) => r.attributePatterns)).toEqual(['createdDay']);
    expect(content.facetSearch).toBe(false);
    expect(content.sortableAttributes).toEqual(['createdAt']);
    // Q&A content health ranks just before exactness
    expect(content.rankingRules).toEqual(['words', 'boost:desc', 'typo', 'proximity', 'attribute', 'sort', 'health:desc', 'exactness']);
    expect(content.typoTolerance?.enabled).toBe(true);

    const people = await client.index(indexUid('people')).getSettings();
    expect(people.searchableAttributes).toEqual(indexDefinitions.people.settings.searchableAttributes);
    expect(sorted(people.filterableAttributes)).toEqual(sorted(['orgId', 'department', 'region', 'active', 'languages', 'id']));
    expect(people.typoTolerance?.enabled).toBe(true);
    expect((await client.getRawIndex(indexUid('people'))).primaryKey).toBe('id');
  });

  it('applySettings is idempotent: a second call enqueues no task', async () => {
    process.env.MEILI_INDEX_PREFIX = 'settings_test';
    const client = createMeiliClient(meili.url, meili.masterKey);
    const before = (await client.tasks.getTasks({ limit: 1 })).total;
    expect(before).toBeGreaterThanOrEqual(4);

    expect(await applySettings(client)).toEqual({ created: [], updated: [] });
    expect((await client.tasks.getTasks({ limit: 1 })).total).toBe(before);
  });

  it('applySettings repairs settings that drifted', async () => {
    process.env.MEILI_INDEX_PREFIX = 'settings_test';
    const client = createMeiliClient(meili.url, meili.masterKey);
    await client.index(indexUid('content')).updateFilterableAttributes(['orgId']).waitTask({ timeout: 60_000 });

    expect(await applySettings(client)).toEqual({ created: [], updated: ['settings_test_content'] });
    const filterable = await client.index(indexUid('content')).getFilterableAttributes();
    expect(filterable).toHaveLength(indexDefinitions.content.settings.filterableAttributes.length);
  });

  it('the configured content index filters, sorts and tolerates typos', async () => {
    process.env.MEILI_INDEX_PREFIX = 'settings_test';
    const client = createMeiliClient(meili.url, meili.masterKey);
    const base: Omit<ContentDocument, 'id' | 'orgId' | 'createdAt' | 'deleted'> = {
      kind: 'post',
      spaceId: null,
      visibility: 'open',
      authorId: 'alice',
      authorDepartment: 'Risk',
      rootAuthorDepartment: 'Risk',
      rootId: null,
      authorName: 'Alice',
      spaceDepartments: [],
      topics: [],
      createdDay: 0,
      boost: 0,
      title: 'Quarterly report',
      text: 'Numbers for the quarter',
      tags: ['finance'],
      cashtags: ['$ACME'],
    };
    const docs: ContentDocument[] = [
      { ...base, id: 'p1', orgId: 'org-a', createdAt: 1_000, deleted: false },
      { ...base, id: 'p2', orgId: 'org-a', createdAt: 2_000, deleted: false },
      { ...base, id: 'p3', orgId: 'org-a', createdAt: 3_000, deleted: true },
      { ...base, id: 'p4', orgId: 'org-b', createdAt: 4_000, deleted: false },
    ];
    const task = await client.index(indexUid('content')).addDocuments(docs).waitTask({ timeout: 60_000 }); // generous: a loaded CI machine
    expect(task.status).toBe('succeeded');

    const res = await client.index(indexUid('content')).search('quartely', {
      filter: 'orgId = "org-a" AND deleted = false',
      sort: ['createdAt:desc'],
    });
    expect(res.hits.map((hit) => hit.id)).toEqual(['p2', 'p1']);
  });

  it('stop() ends the child; a restart on the same data dir reuses the key and the data', async () => {
    process.env.MEILI_INDEX_PREFIX = 'settings_test';
    const { pid, masterKey } = meili;
    await meili.stop();
    expect(meili.running()).toBe(false);
    expect(isAlive(pid)).toBe(false);

    meili = await start(dataDir);
    expect(meili.pid).not.toBe(pid);
    expect(meili.masterKey).toBe(masterKey);
    const client = createMeiliClient(meili.url, meili.masterKey);
    expect(await applySettings(client)).toEqual({ created: [], updated: [] });
    expect((await client.index(indexUid('content')).getStats()).numberOfDocuments).toBe(4);
  });

  it('a missing binary fails with an error that says what to do', async () => {
    process.env.MEILI_BIN = '/nonexistent';
    const error = await startMeilisearch({ dataDir: await tempDir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('/nonexistent');
    expect((error as Error).message).toMatch(/set MEILI_URL .*or set MEILI_BIN/i);
  });
});

describe('search service singleton', () => {
  let otherState: unknown;

  beforeAll(() => {
    otherState = g[STATE_KEY];
    delete g[STATE_KEY];
  });

  afterAll(async () => {
    await stopSearchService();
    if (otherState === undefined) delete g[STATE_KEY];
    else g[STATE_KEY] = otherState;
  });

  afterEach(async () => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    await stopSearchService();
    for (const key of ENV_KEYS) delete process.env[key];
  });

  it('searchHealth is degraded within 2 s when MEILI_URL is unreachable', async () => {
    process.env.MEILI_URL = 'http://127.0.0.1:1';
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const started = performance.now();
    expect(await searchHealth()).toBe('degraded');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0][0])).toMatch(/^\[search\] Meilisearch unavailable.*127\.0\.0\.1:1/);
  });

  it('does not cache a failed start forever: retries after 10 s', async () => {
    const external = await start(await tempDir());
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});

    process.env.MEILI_URL = 'http://127.0.0.1:1';
    expect(await getSearchService()).toBeNull();
    expect(errors).toHaveBeenCalledTimes(1);

    // Fixed now, but inside the 10 s back-off: no new attempt, no new log line.
    process.env.MEILI_URL = external.url;
    process.env.MEILI_MASTER_KEY = external.masterKey;
    expect(await getSearchService()).toBeNull();
    expect(errors).toHaveBeenCalledTimes(1);

    vi.setSystemTime(Date.now() + 10_500);
    const service = await getSearchService();
    expect(service).not.toBeNull();
    expect(service?.owned).toBe(false);
    expect(service?.url).toBe(external.url);
    expect(await getSearchService()).toBe(service);
    vi.useRealTimers();
    expect(await searchHealth()).toBe('ok');

    // Not ours: stopping the service leaves the external server running.
    await stopSearchService();
    expect(isAlive(external.pid)).toBe(true);
    expect((await fetch(`${external.url}/health`)).status).toBe(200);
  });

  it('starts, shares via globalThis and stops its own child when MEILI_URL is unset', async () => {
    process.env.ATRIUM_DATA_DIR = await tempDir();
    process.env.MEILI_INDEX_PREFIX = 'owned_test';

    const [a, b] = await Promise.all([getSearchService(), getSearchService()]);
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    expect(a?.owned).toBe(true);
    expect(g[STATE_KEY]).toMatchObject({ service: a });
    expect(await searchHealth()).toBe('ok');
    expect((await a!.client.getRawIndex('owned_test_content')).uid).toBe('owned_test_content');

    const serverFile = meiliPaths(process.env.ATRIUM_DATA_DIR).serverFile;
    const { pid } = JSON.parse(await readFile(serverFile, 'utf8')) as { pid: number };
    expect(isAlive(pid)).toBe(true);

    await stopSearchService();
    expect(isAlive(pid)).toBe(false);
    await expect(fetch(`${a!.url}/health`)).rejects.toThrow();
  });
});
