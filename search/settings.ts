import { MeilisearchApiError, type Meilisearch, type Settings, type Task } from 'meilisearch';
import { env } from '../app/env.server';

export type IndexName = 'content' | 'people';

export type ContentKind = 'post' | 'comment' | 'question' | 'answer' | 'best_practice';
export type ContentVisibility = 'open' | 'private' | 'secret' | 'org';

export type ContentDocument = {
  id: string;
  orgId: string;
  kind: ContentKind;
  spaceId: string | null;
  visibility: ContentVisibility;
  authorId: string;
  authorName: string;
  authorDepartment: string;
  /** the thread root's author department (a root's own): the policy filter reads it */
  rootAuthorDepartment: string;
  /** the thread's root (null for a root) */
  rootId: string | null;
  /** departments the space is limited to ([] = none): the policy filter reads it */
  spaceDepartments: string[];
  topics: string[];
  deleted: boolean;
  /** supervision: the item or its thread's root is hidden pending investigation (absent or false otherwise) */
  hidden?: boolean;
  /** who still finds a hidden item: its author (both authors must agree when item and root are hidden) */
  hiddenVisibleTo?: string[];
  title: string;
  text: string;
  tags: string[];
  cashtags: string[];
  /** unix ms */
  createdAt: number;
  /** days since the epoch: date filters use it (a low-cardinality facet keeps single-document indexing fast) */
  createdDay: number;
  /** Q&A: the question a question or answer belongs to (null for other kinds) */
  questionId?: string | null;
  /** Q&A: an answer its question has accepted */
  accepted?: boolean;
  /** content health, a ranking rule: 2 verified answer, 1 ordinary, 0 obsolete answer */
  health?: number;
  /** 1 for an approved, current best practice (a ranking rule), else 0 */
  boost: number;
  /** held by pre-approval (itself or its thread's root): only `heldFor` may see it */
  held?: boolean;
  /** who sees a held item: "user:<author id>" and, while pending, "tier:<space id>:<tier>" */
  heldFor?: string[];
};

export type PersonDocument = {
  id: string;
  orgId: string;
  name: string;
  title: string;
  department: string;
  region: string;
  languages: string[];
  active: boolean;
  bio: string;
  /** declared skills: names and synonyms (French names, acronyms) */
  skills: string[];
  /** tags the person has expertise on, without "#" (declared skills' tags and inferred ones) */
  expertiseTags: string[];
};

/** A granular filterable rule (Meilisearch ≥ 1.14): which filter operators and facet search its attributes get. */
export type FilterableRule = {
  attributePatterns: string[];
  features: { facetSearch: boolean; filter: { equality: boolean; comparison: boolean } };
};

/** The subset of Meilisearch settings this module manages. */
export type ManagedSettings = {
  searchableAttributes: string[];
  filterableAttributes: (string | FilterableRule)[];
  /** false: no facet-search data is built (facet distributions still work) */
  facetSearch?: boolean;
  sortableAttributes: string[];
  typoTolerance: { enabled: boolean };
  stopWords?: string[];
  /** ordered; unset leaves Meilisearch's default */
  rankingRules?: string[];
};

// The commonest English and French words: they carry no meaning for search, and
// their huge posting lists make every single-document update slow.
export const STOP_WORDS = [
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with", "we", "our", "you", "your",
  "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et", "il", "ils", "je", "la", "le", "les", "leur", "mais", "nous", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "un", "une", "vous",
];

export type IndexDefinition = {
  name: IndexName;
  primaryKey: string;
  settings: ManagedSettings;
};

export const indexDefinitions: Record<IndexName, IndexDefinition> = {
  content: {
    name: 'content',
    primaryKey: 'id',
    settings: {
      // Order is ranking priority: a hit in the title beats one in the body.
      searchableAttributes: ['title', 'text', 'tags', 'cashtags', 'authorName'],
      // Exactly what the policy filter (app/policy/search-filter.ts), the search page's facets and
      // filters (app/knowledge/search.server.ts) and similar questions (app/qa/similar.server.ts) read.
      // Each filterable attribute costs every single-document update on a big index: no facet search
      // (nothing searches within facet values) and no range index except for the one range filter.
      filterableAttributes: [
        {
          attributePatterns: [
            'orgId',
            'spaceId',
            'visibility',
            'authorDepartment',
            'rootAuthorDepartment',
            'spaceDepartments',
            'topics',
            'deleted',
            'hidden',
            'hiddenVisibleTo',
            'kind',
            'tags',
            'accepted',
            'held',
            'heldFor',
          ],
          features: { facetSearch: false, filter: { equality: true, comparison: false } },
        },
        // the search page's "since" filter: createdDay >= n
        { attributePatterns: ['createdDay'], features: { facetSearch: false, filter: { equality: true, comparison: true } } },
      ],
      facetSearch: false,
      sortableAttributes: ['createdAt'],
      typoTolerance: { enabled: true },
      stopWords: STOP_WORDS,
      // Meilisearch's default order with two of ours: the best-practice boost right after "words"
      // (among hits matching as many query words, approved best practices come first), and content
      // health just before exactness (among equally relevant hits, verified answers rise and
      // obsolete ones sink).
      rankingRules: ['words', 'boost:desc', 'typo', 'proximity', 'attribute', 'sort', 'health:desc', 'exactness'],
    },
  },
  people: {
    name: 'people',
    primaryKey: 'id',
    settings: {
      // a skill or topic hit ranks with a name hit: the directory finds people by either
      searchableAttributes: ['name', 'skills', 'expertiseTags', 'title', 'department', 'region', 'languages', 'bio'],
      filterableAttributes: ['orgId', 'department', 'region', 'active', 'languages', 'id'],
      sortableAttributes: [],
      typoTolerance: { enabled: true },
    },
  },
};

export const indexNames = Object.keys(indexDefinitions) as IndexName[];

const TASK_WAIT = { timeout: 60_000, interval: 50 };

export function indexUid(name: IndexName): string {
  const prefix = env().MEILI_INDEX_PREFIX || 'atrium';
  return `${prefix}_${name}`;
}

export type ApplySettingsResult = {
  /** index uids created by this call */
  created: string[];
  /** index uids whose settings were changed by this call */
  updated: string[];
};

/**
 * Creates missing indexes and brings their settings to the definitions above.
 * Reads first and only enqueues a task when something differs, so a restart
 * costs a few GETs and no indexing work.
 */
export async function applySettings(client: Meilisearch): Promise<ApplySettingsResult> {
  const result: ApplySettingsResult = { created: [], updated: [] };
  for (const name of indexNames) {
    const def = indexDefinitions[name];
    const uid = indexUid(name);

    if (!(await indexExists(client, uid))) {
      assertSucceeded(await client.createIndex(uid, { primaryKey: def.primaryKey }).waitTask(TASK_WAIT));
      result.created.push(uid);
    }

    const index = client.index(uid);
    const current = await index.getSettings();
    if (!settingsEqual(current, def.settings)) {
      assertSucceeded(await index.updateSettings(def.settings).waitTask(TASK_WAIT));
      result.updated.push(uid);
    }
  }
  return result;
}

export function settingsEqual(current: Settings, wanted: ManagedSettings): boolean {
  return (
    sameList(current.searchableAttributes, wanted.searchableAttributes, true) &&
    sameFilterable(current.filterableAttributes, wanted.filterableAttributes) &&
    (wanted.facetSearch === undefined || (current.facetSearch ?? true) === wanted.facetSearch) &&
    // Meilisearch returns sortable attributes as a sorted set.
    sameList(current.sortableAttributes, wanted.sortableAttributes, false) &&
    (current.typoTolerance?.enabled ?? true) === wanted.typoTolerance.enabled &&
    sameList(current.stopWords ?? [], wanted.stopWords ?? [], false) &&
    (wanted.rankingRules === undefined || sameList(current.rankingRules, wanted.rankingRules, true))
  );
}

/** Plain names compare as a set (Meilisearch sorts them); granular rules in order (the first match wins). */
function sameFilterable(current: unknown, wanted: (string | FilterableRule)[]): boolean {
  if (!Array.isArray(current)) return false;
  if (wanted.every((w) => typeof w === 'string')) return sameList(current, wanted as string[], false);
  const canon = (r: unknown) =>
    typeof r === 'string'
      ? r
      : JSON.stringify({
          p: (r as FilterableRule).attributePatterns,
          s: (r as FilterableRule).features?.facetSearch ?? true,
          e: (r as FilterableRule).features?.filter?.equality ?? true,
          c: (r as FilterableRule).features?.filter?.comparison ?? false,
        });
  return current.length === wanted.length && current.every((r, i) => canon(r) === canon(wanted[i]));
}

function sameList(current: unknown, wanted: string[], ordered: boolean): boolean {
  if (!Array.isArray(current)) return false;
  if (current.some((item) => typeof item !== 'string')) return false;
  const a = ordered ? [...current] : [...current].sort();
  const b = ordered ? [...wanted] : [...wanted].sort();
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

async function indexExists(client: Meilisearch, uid: string): Promise<boolean> {
  try {
    await client.getRawIndex(uid);
    return true;
  } catch (error) {
    if (error instanceof MeilisearchApiError && error.cause?.code === 'index_not_found') return false;
    throw error;
  }
}

function assertSucceeded(task: Task): void {
  if (task.status === 'succeeded') return;
  // Another process creating the same index at the same moment is not an error.
  if (task.type === 'indexCreation' && task.error?.code === 'index_already_exists') return;
  const reason = task.error ? `${task.error.code}: ${task.error.message}` : task.status;
  throw new Error(`Meilisearch task ${task.uid} (${task.type} on ${task.indexUid}) did not succeed: ${reason}`);
}
