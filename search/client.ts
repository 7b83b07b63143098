import path from 'node:path';
import { Meilisearch } from 'meilisearch';
import { startMeilisearch, type MeilisearchProcess } from './process';
import { applySettings } from './settings';
import { env } from '../app/env.server';

export type SearchService = {
  client: Meilisearch;
  url: string;
  stop(): Promise<void>;
  /** true when this process started the Meilisearch child and owns its lifetime */
  owned: boolean;
};

export type SearchHealth = 'ok' | 'degraded';

const RETRY_AFTER_MS = 10_000;
const HEALTH_TIMEOUT_MS = 1_000;
const EXTERNAL_CONNECT_TIMEOUT_MS = 5_000;

export function createMeiliClient(url: string, apiKey?: string, signal?: AbortSignal): Meilisearch {
  return new Meilisearch({
    host: url,
    apiKey,
    // Compressed responses stall ~40 ms per request on a keep-alive connection.
    // The client's types leave `signal` out of requestInit, but it reaches fetch() as is.
    requestInit: { headers: { 'Accept-Encoding': 'identity' }, ...(signal ? { signal } : {}) } as { headers: Record<string, string> },
  });
}

/**
 * Adds documents given as NDJSON bytes to `uid` (the client's addDocumentsFromString takes a string):
 * a bulk load hands the engine the bytes it read, with no decoding and re-encoding in between. The
 * request goes to the client's host with its key and request options (its abort signal included).
 */
export async function addNdjsonDocuments(client: Meilisearch, uid: string, body: Uint8Array): Promise<{ taskUid: number }> {
  const { host, apiKey, requestInit } = client.config;
  const headers = new Headers(requestInit?.headers as HeadersInit | undefined);
  headers.set('Content-Type', 'application/x-ndjson');
  if (apiKey) headers.set('Authorization', `Bearer ${apiKey}`);
  const url = `${host.replace(/\/+$/, '')}/indexes/${encodeURIComponent(uid)}/documents`;
  const res = await fetch(url, { ...(requestInit as RequestInit | undefined), method: 'POST', headers, body: body as BodyInit });
  const text = await res.text();
  if (!res.ok) throw new Error(`Meilisearch refused documents for ${uid}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as { taskUid: number };
}

/** The service's client with every request bound to `signal`: aborting it ends a hung call. */
export function clientWithSignal(service: SearchService, signal: AbortSignal): Meilisearch {
  return createMeiliClient(service.url, service.client.config.apiKey, signal);
}

type ServiceState = {
  service: SearchService | null;
  child: MeilisearchProcess | null;
  pending: Promise<SearchService | null> | null;
  failedAt: number | null;
};

// On globalThis so the Remix build and the tsx-run server share one service.
const STATE_KEY = '__atriumSearchService';

function state(): ServiceState {
  const g = globalThis as typeof globalThis & { [STATE_KEY]?: ServiceState };
  g[STATE_KEY] ??= { service: null, child: null, pending: null, failedAt: null };
  return g[STATE_KEY];
}

/**
 * The process-wide search service, or null while Meilisearch is unavailable.
 * A failed start is retried on a call made 10 s or more after the failure.
 */
export function getSearchService(): Promise<SearchService | null> {
  const s = state();
  if (s.service && s.child && !s.child.running()) {
    console.error('[search] Meilisearch child exited unexpectedly; restarting it');
    s.service = null;
    s.child = null;
  }
  if (s.service) return Promise.resolve(s.service);
  if (s.pending) return s.pending;
  if (s.failedAt !== null && Date.now() - s.failedAt < RETRY_AFTER_MS) return Promise.resolve(null);

  s.pending = startService(s)
    .then(
      (service) => {
        s.service = service;
        s.failedAt = null;
        return service;
      },
      (error: unknown) => {
        s.failedAt = Date.now();
        const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' | ');
        console.error(`[search] Meilisearch unavailable, search is degraded (retrying in ${RETRY_AFTER_MS / 1000} s): ${message}`);
        return null;
      },
    )
    .finally(() => {
      s.pending = null;
    });
  return s.pending;
}

async function startService(s: ServiceState): Promise<SearchService> {
  const e = env();
  const externalUrl = e.MEILI_URL;
  if (externalUrl) {
    const client = createMeiliClient(externalUrl, e.MEILI_MASTER_KEY || undefined);
    // Without this a server that never answers would keep every caller waiting.
    await withTimeout(client.health(), EXTERNAL_CONNECT_TIMEOUT_MS, `no answer from MEILI_URL ${externalUrl}`);
    await applySettings(client);
    return { client, url: externalUrl, stop: async () => {}, owned: false };
  }

  const dataDir = path.resolve(e.ATRIUM_DATA_DIR);
  const child = await startMeilisearch({ dataDir });
  try {
    const client = createMeiliClient(child.url, child.masterKey);
    await applySettings(client);
    s.child = child;
    return { client, url: child.url, stop: child.stop, owned: true };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Never throws; 'degraded' when Meilisearch is not configured, not started or does not answer within 1 s. */
export async function searchHealth(): Promise<SearchHealth> {
  const check = async (): Promise<SearchHealth> => {
    const service = await getSearchService();
    if (!service) return 'degraded';
    const health = await service.client.health();
    return health.status === 'available' ? 'ok' : 'degraded';
  };
  try {
    return await withTimeout(check(), HEALTH_TIMEOUT_MS, 'search health');
  } catch {
    return 'degraded';
  }
}

/** Stops the Meilisearch child if this process started it; call on SIGTERM/SIGINT. */
export async function stopSearchService(): Promise<void> {
  const s = state();
  if (s.pending) await s.pending;
  const service = s.service;
  s.service = null;
  s.child = null;
  s.failedAt = null;
  if (service?.owned) await service.stop();
}
