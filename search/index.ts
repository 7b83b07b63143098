export {
  applySettings,
  indexDefinitions,
  indexNames,
  indexUid,
  settingsEqual,
  type ApplySettingsResult,
  type ContentDocument,
  type ContentKind,
  type ContentVisibility,
  type IndexDefinition,
  type IndexName,
  type ManagedSettings,
  type PersonDocument,
} from './settings';
export {
  MeilisearchStartError,
  meiliPaths,
  startMeilisearch,
  type MeilisearchProcess,
  type StartMeilisearchOptions,
} from './process';
export {
  createMeiliClient,
  getSearchService,
  searchHealth,
  stopSearchService,
  type SearchHealth,
  type SearchService,
} from './client';
