import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

// ---------- identity ----------

export const orgs = pgTable("orgs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  // Q&A: the organisation's default response-time target (spaces may override it)
  qaTargetMinutes: integer("qa_target_minutes").notNull().default(120),
  createdAt: ts("created_at").notNull().defaultNow(),
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    email: text("email").notNull(),
    name: text("name").notNull(),
    title: text("title").notNull().default(""),
    department: text("department").notNull().default(""),
    region: text("region").notNull().default(""),
    languages: text("languages").array().notNull().default(sql`'{}'::text[]`),
    managerId: text("manager_id"),
    // Profile (people capability): plain-text bio, and the version of the profile in the archive.
    bio: text("bio").notNull().default(""),
    profileVersion: integer("profile_version").notNull().default(0),
    locale: text("locale"),
    // IANA zone the person reads times in (null: the browser's, sent as a cookie)
    timeZone: text("time_zone"),
    roles: text("roles").array().notNull().default(sql`'{member}'::text[]`),
    passwordHash: text("password_hash"),
    status: text("status").notNull().default("active"), // active | deactivated
    digest: text("digest").notNull().default("weekly"), // off | daily | weekly
    lastDigestAt: ts("last_digest_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    deactivatedAt: ts("deactivated_at"),
    // SCIM: the identity provider's id for this person (unique per org when set)
    externalId: text("external_id"),
    // SCIM userName when the identity provider's differs from the email (sign-in stays by email)
    scimUserName: text("scim_user_name"),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    index("users_org_idx").on(t.orgId),
    // reporting lines are walked down from a manager (analytics lines, line facts)
    index("users_manager_idx").on(t.managerId),
    uniqueIndex("users_org_external_id_key").on(t.orgId, t.externalId).where(sql`external_id is not null`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    createdAt: ts("created_at").notNull(),
    lastActiveAt: ts("last_active_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    ip: text("ip").notNull().default(""),
    userAgent: text("user_agent").notNull().default(""),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

// Fixed-window counters shared by every app instance (sign-in throttling).
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStart: ts("window_start").notNull(),
  count: integer("count").notNull(),
});

export const invites = pgTable("invites", {
  id: text("id").primaryKey(),
  orgId: text("org_id").notNull().references(() => orgs.id),
  email: text("email").notNull(),
  role: text("role").notNull().default("member"),
  tokenHash: text("token_hash").notNull(),
  createdBy: text("created_by").notNull().references(() => users.id),
  createdAt: ts("created_at").notNull().defaultNow(),
  expiresAt: ts("expires_at").notNull(),
  acceptedAt: ts("accepted_at"),
});

export const setupTokens = pgTable("setup_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  createdAt: ts("created_at").notNull().defaultNow(),
  usedAt: ts("used_at"),
});

// ---------- spaces and barriers ----------

export const spaces = pgTable(
  "spaces",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    visibility: text("visibility").notNull().default("open"), // open | private | secret
    joinPolicy: text("join_policy").notNull().default("open"), // open | request | invite
    allowedDepartments: text("allowed_departments").array().notNull().default(sql`'{}'::text[]`),
    // Pre-approval: 0 = posts publish at once; 1–3 = every tier in space_approvers must approve first.
    approvalTiers: integer("approval_tiers").notNull().default(0),
    createdBy: text("created_by").notNull().references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("spaces_org_slug_key").on(t.orgId, t.slug)],
);

export const spaceMembers = pgTable(
  "space_members",
  {
    spaceId: text("space_id").notNull().references(() => spaces.id),
    userId: text("user_id").notNull().references(() => users.id),
    role: text("role").notNull().default("member"), // member | admin
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.userId] }), index("space_members_user_idx").on(t.userId)],
);

export const spaceJoinRequests = pgTable(
  "space_join_requests",
  {
    spaceId: text("space_id").notNull().references(() => spaces.id),
    userId: text("user_id").notNull().references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.userId] })],
);

// An information barrier separates two groups of departments.
export const barriers = pgTable("barriers", {
  id: text("id").primaryKey(),
  orgId: text("org_id").notNull().references(() => orgs.id),
  name: text("name").notNull(),
  sideA: text("side_a").array().notNull(),
  sideB: text("side_b").array().notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
});

// ---------- content and its archive ----------

export const content = pgTable(
  "content",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    kind: text("kind").notNull(), // post | comment | question | answer
    spaceId: text("space_id").references(() => spaces.id),
    parentId: text("parent_id"),
    // The thread's top-most ancestor (null for a root): set by the content_set_root
    // trigger on insert, so every write path gets it; the policy judges a thread on it.
    rootId: text("root_id"),
    authorId: text("author_id").notNull().references(() => users.id),
    title: text("title").notNull().default(""),
    bodyJson: jsonb("body_json").notNull(),
    bodyText: text("body_text").notNull(),
    // Sanitised HTML derived from body_json at write time (never archived: it is re-derivable).
    bodyHtml: text("body_html").notNull().default(""),
    version: integer("version").notNull().default(1),
    deletedAt: ts("deleted_at"),
    // Supervision: hidden pending investigation (seen by its author and compliance only), with the reason shown to the author.
    hiddenAt: ts("hidden_at"),
    hiddenReason: text("hidden_reason"),
    // Pre-approval hold (a permission fact, policy.ts): null = published; "pending" at approval_tier;
    // "rejected" = returned to its author. Only roots in a pre-approval space are ever held.
    approval: text("approval"),
    approvalTier: integer("approval_tier"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    index("content_space_created_idx").on(t.spaceId, t.createdAt.desc(), t.id.desc()),
    index("content_author_created_idx").on(t.authorId, t.createdAt.desc(), t.id.desc()),
    // Feed sources read live posts only: partial indexes keep each keyset scan exact.
    index("content_feed_space_idx")
      .on(t.spaceId, t.createdAt.desc(), t.id.desc())
      .where(sql`kind = 'post' and deleted_at is null`),
    index("content_feed_author_idx")
      .on(t.authorId, t.createdAt.desc(), t.id.desc())
      .where(sql`kind = 'post' and deleted_at is null`),
    index("content_parent_idx").on(t.parentId),
    index("content_root_idx").on(t.rootId),
    index("content_org_created_idx").on(t.orgId, t.createdAt.desc(), t.id.desc()),
    // home feed: questions in the spaces one follows (a keyset scan of their own)
    index("content_feed_question_space_idx")
      .on(t.spaceId, t.createdAt.desc(), t.id.desc())
      .where(sql`kind = 'question' and deleted_at is null`),
    // /questions: the org's questions, newest first (without it the scan walks every post of the org)
    index("content_org_question_idx")
      .on(t.orgId, t.createdAt.desc(), t.id.desc())
      .where(sql`kind = 'question' and deleted_at is null`),
  ],
);

export const reactions = pgTable(
  "reactions",
  {
    contentId: text("content_id").notNull().references(() => content.id),
    userId: text("user_id").notNull().references(() => users.id),
    kind: text("kind").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contentId, t.userId, t.kind] }), index("reactions_created_idx").on(t.createdAt)],
);

// Head of each hash chain; locking it serialises appends so the chain never forks.
export const chainHeads = pgTable(
  "chain_heads",
  {
    orgId: text("org_id").notNull(),
    chain: text("chain").notNull(), // archive | audit
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.chain] })],
);

export const archiveRecords = pgTable(
  "archive_records",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: text("org_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    subjectKind: text("subject_kind").notNull(), // post | comment | reaction | profile | moderation ...
    subjectId: text("subject_id").notNull(),
    version: integer("version").notNull(),
    action: text("action").notNull(), // create | edit | delete | restore | react | unreact | moderate
    actorId: text("actor_id").notNull(),
    at: ts("at").notNull(),
    data: jsonb("data").notNull(), // full content of this version
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    // records (issue 15): the version's words with their positions, derived from data by PostgreSQL on
    // every insert and on the purge path's update (expiry/erasure empty it with the data). Not part of
    // the hashed record: the chain covers data, this is an index of it (docs/records.md).
    searchTsv: tsvector("search_tsv").generatedAlwaysAs(
      sql`to_tsvector('simple'::regconfig, coalesce(data->>'title', '') || ' ' || coalesce(data->>'text', ''))`,
    ),
  },
  (t) => [
    uniqueIndex("archive_records_org_seq_key").on(t.orgId, t.seq),
    index("archive_records_subject_idx").on(t.subjectId, t.version),
    // every version's words, one GIN index on the stored column (a phrase's recheck reads positions, never re-parses the JSON)
    index("archive_records_tsv_idx").using("gin", t.searchTsv),
    // archive search pages (newest first), retention and exports read an org's versions by time
    index("archive_records_org_at_idx").on(t.orgId, t.at, t.id),
    // a custodian's versions: as actor, or as the author the version records
    index("archive_records_actor_idx").on(t.orgId, t.actorId, t.at),
    index("archive_records_author_idx").on(t.orgId, sql`(${t.data}->>'authorId')`),
  ],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: text("org_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    targetKind: text("target_kind").notNull(),
    targetId: text("target_id").notNull(),
    data: jsonb("data").notNull(),
    at: ts("at").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [uniqueIndex("audit_log_org_seq_key").on(t.orgId, t.seq)],
);

export const checkpoints = pgTable("checkpoints", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: text("org_id").notNull(),
  chain: text("chain").notNull(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
  day: text("day").notNull(),
  at: ts("at").notNull(),
  // Ed25519 over the canonical statement (app/compliance/checkpoints.server.ts); the key is never in the database.
  keyId: text("key_id"),
  signature: text("signature"),
}, (t) => [uniqueIndex("checkpoints_org_chain_day_key").on(t.orgId, t.chain, t.day)]);

// ---------- outbox ----------

export const outboxEvents = pgTable("outbox_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: text("org_id").notNull(),
  topic: text("topic").notNull(),
  subjectId: text("subject_id").notNull(),
  payload: jsonb("payload").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
});

export const outboxDeliveries = pgTable(
  "outbox_deliveries",
  {
    eventId: bigint("event_id", { mode: "number" }).notNull().references(() => outboxEvents.id),
    consumer: text("consumer").notNull(),
    status: text("status").notNull().default("pending"), // pending | done | dead
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    doneAt: ts("done_at"),
    // A lease taken by a worker for a network delivery (claim → call → record):
    // other workers skip the row until it lapses, so a crashed worker's batch is retried.
    claimedBy: text("claimed_by"),
    claimedUntil: ts("claimed_until"),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.consumer] }),
    index("outbox_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    // the claim and the /healthz backlog read only pending or dead rows, never the done ones
    index("outbox_deliveries_pending_idx").on(t.consumer, t.eventId).where(sql`status = 'pending'`),
    index("outbox_deliveries_dead_idx").on(t.consumer).where(sql`status = 'dead'`),
  ],
);

// Consumers that write to Postgres record each event they applied here, in the
// same transaction as the effect, so a redelivery has no second effect.
export const consumerReceipts = pgTable(
  "consumer_receipts",
  {
    consumer: text("consumer").notNull(),
    eventId: bigint("event_id", { mode: "number" }).notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);

export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    kind: text("kind").notNull(),
    subjectId: text("subject_id").notNull(),
    actorId: text("actor_id"),
    eventId: bigint("event_id", { mode: "number" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    readAt: ts("read_at"),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.createdAt.desc()),
    uniqueIndex("notifications_event_user_key").on(t.eventId, t.userId, t.kind),
  ],
);

// ---------- feed ----------

export const follows = pgTable(
  "follows",
  {
    userId: text("user_id").notNull().references(() => users.id),
    targetKind: text("target_kind").notNull(), // user | space | tag
    targetId: text("target_id").notNull(), // user id, space id, or "#tag" / "$TICK"
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.targetKind, t.targetId] }), index("follows_target_idx").on(t.targetKind, t.targetId)],
);

// Hashtags ("#tag", lower-cased) and cashtags ("$TICK") of live posts, for tag pages and tag feeds.
export const contentTags = pgTable(
  "content_tags",
  {
    contentId: text("content_id").notNull().references(() => content.id),
    orgId: text("org_id").notNull(),
    tag: text("tag").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contentId, t.tag] }),
    index("content_tags_feed_idx").on(t.orgId, t.tag, t.createdAt.desc(), t.contentId.desc()),
  ],
);

export const mentions = pgTable(
  "mentions",
  {
    contentId: text("content_id").notNull().references(() => content.id),
    userId: text("user_id").notNull().references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.contentId, t.userId] }), index("mentions_user_idx").on(t.userId)],
);

export const announcements = pgTable("announcements", {
  contentId: text("content_id").primaryKey().references(() => content.id),
  orgId: text("org_id").notNull(),
  pinnedBy: text("pinned_by").notNull().references(() => users.id),
  pinnedAt: ts("pinned_at").notNull(),
  endsAt: ts("ends_at"),
});

// ---------- knowledge: listening ----------

// Topics curators attach to content (e.g. rates, fraud prevention, online banking).
export const contentTopics = pgTable(
  "content_topics",
  {
    contentId: text("content_id").notNull().references(() => content.id),
    topic: text("topic").notNull(),
    labelledBy: text("labelled_by").notNull().references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contentId, t.topic] })],
);

export const savedSearches = pgTable(
  "saved_searches",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    query: text("query").notNull(), // words, a "#tag" or a "$TICK"
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("saved_searches_org_idx").on(t.orgId)],
);

export const searchSynonyms = pgTable(
  "search_synonyms",
  {
    orgId: text("org_id").notNull(),
    term: text("term").notNull(),
    synonyms: text("synonyms").array().notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.term] })],
);

// ---------- Q&A ----------

// The Q&A state of a question (its content row holds title, body and space): the
// response clock, the accepted answer and duplicate closing. One row per question.
export const qaQuestions = pgTable(
  "qa_questions",
  {
    contentId: text("content_id").primaryKey().references(() => content.id),
    orgId: text("org_id").notNull(),
    status: text("status").notNull().default("open"), // open | closed
    duplicateOfId: text("duplicate_of_id").references(() => content.id),
    acceptedAnswerId: text("accepted_answer_id").references(() => content.id),
    targetMinutes: integer("target_minutes").notNull(),
    // when routing to experts is due (a fraction of the target) and when the target is breached
    routeAt: ts("route_at").notNull(),
    dueAt: ts("due_at").notNull(),
    firstAnswerAt: ts("first_answer_at"),
    routedAt: ts("routed_at"),
    escalatedAt: ts("escalated_at"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    // the periodic job reads only unanswered questions whose routing or escalation is pending
    index("qa_questions_route_idx").on(t.routeAt).where(sql`first_answer_at is null and routed_at is null`),
    index("qa_questions_due_idx").on(t.dueAt).where(sql`first_answer_at is null and escalated_at is null`),
    index("qa_questions_org_created_idx").on(t.orgId, t.createdAt.desc()),
    // a question's page lists the questions closed as its duplicates (a scan of every question before)
    index("qa_questions_duplicate_of_idx").on(t.duplicateOfId).where(sql`duplicate_of_id is not null`),
  ],
);

// One vote per person per question or answer; changing it updates the row (archived as a version).
export const qaVotes = pgTable(
  "qa_votes",
  {
    contentId: text("content_id").notNull().references(() => content.id),
    userId: text("user_id").notNull().references(() => users.id),
    value: integer("value").notNull(), // -1 | 1
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contentId, t.userId] })],
);

// Content health of an answer: verified until a re-verify date, or obsolete with a reason.
export const qaAnswerHealth = pgTable(
  "qa_answer_health",
  {
    answerId: text("answer_id").primaryKey().references(() => content.id),
    orgId: text("org_id").notNull(),
    status: text("status").notNull(), // verified | obsolete
    reason: text("reason").notNull().default(""),
    reverifyAt: ts("reverify_at"),
    markedBy: text("marked_by").notNull().references(() => users.id),
    markedAt: ts("marked_at").notNull(),
    remindedAt: ts("reminded_at"),
  },
  (t) => [index("qa_answer_health_reverify_idx").on(t.reverifyAt).where(sql`status = 'verified' and reminded_at is null`)],
);

// Response-time target per space, overriding the organisation's default (orgs.qa_target_minutes).
export const qaSpaceSettings = pgTable("qa_space_settings", {
  spaceId: text("space_id").primaryKey().references(() => spaces.id),
  targetMinutes: integer("target_minutes").notNull(),
});
// ---------- discovery: signals, saves, shares, nominations, best practices ----------

// One row per person per item they opened: a signal, not content (never archived).
// The author's department at view time feeds reach by department.
export const contentViews = pgTable(
  "content_views",
  {
    contentId: text("content_id").notNull().references(() => content.id),
    userId: text("user_id").notNull().references(() => users.id),
    orgId: text("org_id").notNull(),
    department: text("department").notNull().default(""),
    viewedAt: ts("viewed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contentId, t.userId] }), index("content_views_org_at_idx").on(t.orgId, t.viewedAt)],
);

// The engagement signal of a post or answer, maintained incrementally from outbox events.
// `score` is the decayed score as of `score_at` (half-life in app/discovery/signals.server.ts).
export const engagement = pgTable(
  "engagement",
  {
    contentId: text("content_id").primaryKey().references(() => content.id),
    orgId: text("org_id").notNull(),
    kind: text("kind").notNull(),
    score: doublePrecision("score").notNull().default(0),
    scoreAt: ts("score_at").notNull(),
    viewers: integer("viewers").notNull().default(0),
    reactions: integer("reactions").notNull().default(0),
    comments: integer("comments").notNull().default(0),
    saves: integer("saves").notNull().default(0),
    shares: integer("shares").notNull().default(0),
    links: integer("links").notNull().default(0),
    votes: integer("votes").notNull().default(0),
    accepted: boolean("accepted").notNull().default(false),
    // first time the decayed score crossed the candidate threshold (the funnel's first step)
    candidateAt: ts("candidate_at"),
    // log2(score) + score_at / half-life, kept by every bump: orders like the decayed score at any
    // moment, so "Rising" reads the top of an index instead of decaying every row on each load
    rank: doublePrecision("rank").notNull().default(-1e9),
  },
  (t) => [
    index("engagement_org_score_at_idx").on(t.orgId, t.scoreAt.desc()),
    index("engagement_org_rank_idx").on(t.orgId, t.rank.desc(), t.contentId).where(sql`kind in ('post', 'answer')`),
    // FAQ candidates: FAQ_VIEWS / FAQ_LINKS in app/discovery/review.server.ts
    index("engagement_org_faq_idx").on(t.orgId, t.contentId).where(sql`kind = 'question' and (viewers >= 25 or links >= 2)`),
  ],
);

export const savedItems = pgTable(
  "saved_items",
  {
    userId: text("user_id").notNull().references(() => users.id),
    contentId: text("content_id").notNull().references(() => content.id),
    orgId: text("org_id").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.contentId] }), index("saved_items_user_idx").on(t.userId, t.createdAt.desc())],
);

// A share is a post (archived content) that links an original; this row is the link.
export const shares = pgTable(
  "shares",
  {
    shareId: text("share_id").primaryKey().references(() => content.id),
    originalId: text("original_id").notNull().references(() => content.id),
    orgId: text("org_id").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [index("shares_original_idx").on(t.originalId)],
);

// Links between items found in bodies (/posts/<id>): reuse and duplicate-linked questions.
export const contentLinks = pgTable(
  "content_links",
  {
    sourceId: text("source_id").notNull().references(() => content.id),
    targetId: text("target_id").notNull().references(() => content.id),
    orgId: text("org_id").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.targetId] }), index("content_links_target_idx").on(t.targetId)],
);

export const nominations = pgTable(
  "nominations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    contentId: text("content_id").notNull().references(() => content.id),
    nominatorId: text("nominator_id").notNull().references(() => users.id),
    reason: text("reason").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [uniqueIndex("nominations_content_nominator_key").on(t.contentId, t.nominatorId), index("nominations_org_created_idx").on(t.orgId, t.createdAt)],
);

// The review state of an item (best practice or FAQ entry). Amplified only when
// status = 'approved', the approved version is the current one and re-verification is not due.
export const bestPractices = pgTable(
  "best_practices",
  {
    contentId: text("content_id").primaryKey().references(() => content.id),
    orgId: text("org_id").notNull(),
    entryKind: text("entry_kind").notNull().default("practice"), // practice | faq
    status: text("status").notNull().default("pending"), // pending | approved | changes_requested | rejected | stale
    topic: text("topic").notNull().default(""),
    ownerId: text("owner_id").references(() => users.id),
    reverifyAt: ts("reverify_at"),
    approvedVersion: integer("approved_version"),
    approvedAt: ts("approved_at"),
    reviewerId: text("reviewer_id").references(() => users.id),
    decidedAt: ts("decided_at"),
    reason: text("reason").notNull().default(""),
    // this record's own version in the archive (subject kind best_practice)
    version: integer("version").notNull().default(0),
    // log2(decayed score) + score_at / half-life: orders like the decayed score at any moment,
    // without depending on "now", so the library reads it through an index and stops at a page
    rank: doublePrecision("rank").notNull().default(-1e9),
    // title, text and topic of the approved version (set on approval): the library's search reads
    // one GIN index instead of building a tsvector for every approved item
    searchText: text("search_text").notNull().default(""),
    // the item's space, copied from content by a trigger on insert (a post never changes space):
    // the home feed's featured cards filter on it before reading any content row
    spaceId: text("space_id"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    index("best_practices_org_status_idx").on(t.orgId, t.status, t.approvedAt.desc()),
    index("best_practices_org_rank_idx").on(t.orgId, t.status, t.rank.desc(), t.contentId),
    index("best_practices_org_topic_rank_idx").on(t.orgId, t.status, t.topic, t.rank.desc(), t.contentId),
    index("best_practices_search_idx").using("gin", sql`to_tsvector('simple', ${t.searchText})`),
    index("best_practices_reverify_idx").on(t.status, t.reverifyAt),
    // the featured cards read the approved items of the viewer's spaces (a few each) and nothing else
    index("best_practices_space_idx").on(t.orgId, t.spaceId).where(sql`${t.status} = 'approved'`),
  ],
);

// ---------- people: skills taxonomy, endorsements, expertise ----------

// The org's skills taxonomy. `tag` is the hashtag (without #) a skill is known by in
// Q&A and expertise; `synonyms` are other names people type (French names, acronyms);
// `aliases` are tags of skills merged into this one. A merged skill keeps its row
// (merged_into set) so old archive records still resolve.
export const skills = pgTable(
  "skills",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    name: text("name").notNull(),
    tag: text("tag").notNull(),
    synonyms: text("synonyms").array().notNull().default(sql`'{}'::text[]`),
    aliases: text("aliases").array().notNull().default(sql`'{}'::text[]`),
    mergedInto: text("merged_into"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("skills_org_tag_key").on(t.orgId, t.tag), index("skills_org_name_idx").on(t.orgId, sql`lower(${t.name})`)],
);

export const userSkills = pgTable(
  "user_skills",
  {
    userId: text("user_id").notNull().references(() => users.id),
    skillId: text("skill_id").notNull().references(() => skills.id),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.skillId] }), index("user_skills_skill_idx").on(t.skillId)],
);

export const endorsements = pgTable(
  "endorsements",
  {
    userId: text("user_id").notNull().references(() => users.id),
    skillId: text("skill_id").notNull().references(() => skills.id),
    endorserId: text("endorser_id").notNull().references(() => users.id),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.skillId, t.endorserId] }), index("endorsements_endorser_idx").on(t.endorserId)],
);

// One row per piece of evidence behind a person's expertise on a tag ("#kyc"): an
// accepted answer, a vote on an answer, an endorsement, an approved best practice.
// The outbox consumer inserts, updates or deletes single rows, so expertise is kept
// current incrementally; scores decay from `at` when read.
export const expertiseEvidence = pgTable(
  "expertise_evidence",
  {
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    tag: text("tag").notNull(),
    kind: text("kind").notNull(), // accepted | vote | endorsement | best_practice
    sourceId: text("source_id").notNull(),
    weight: integer("weight").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.tag, t.kind, t.sourceId] }),
    index("expertise_evidence_org_tag_idx").on(t.orgId, t.tag),
  ],
);
// ---------- analytics ----------

// One row per signed-in person per day they loaded a page (idempotent upsert).
export const analyticsActivity = pgTable(
  "analytics_activity",
  {
    userId: text("user_id").notNull(),
    orgId: text("org_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index("analytics_activity_org_day_idx").on(t.orgId, t.day)],
);

// Weekly rollup cells: one figure for one group in one ISO week (Monday, UTC), with the
// number of distinct people who contributed to it (what suppression is decided on).
export const analyticsCells = pgTable(
  "analytics_cells",
  {
    orgId: text("org_id").notNull(),
    dim: text("dim").notNull(), // org | department | region | space | line | matrix | tag
    week: date("week", { mode: "string" }).notNull(),
    grp: text("grp").notNull(),
    metric: text("metric").notNull(),
    value: doublePrecision("value").notNull(),
    people: integer("people").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.dim, t.week, t.grp, t.metric] }),
    // one group across weeks (a manager's line, the organisation): no scan of every line of those weeks
    index("analytics_cells_group_idx").on(t.orgId, t.dim, t.grp, t.week),
  ],
);

// The space breakdown as the dashboard reads it: one row per space per week, suppressed once in
// the rollup for every viewer (a withheld figure is null; `*_partial` = a non-zero figure was
// withheld). Range figures are sums of these published weekly atoms (docs/analytics.md).
export const analyticsSpaceWeeks = pgTable(
  "analytics_space_weeks",
  {
    orgId: text("org_id").notNull(),
    week: date("week", { mode: "string" }).notNull(),
    spaceId: text("space_id").notNull(),
    contributions: doublePrecision("contributions"),
    posts: doublePrecision("posts"),
    questions: doublePrecision("questions"),
    answered: doublePrecision("answered"),
    contributionsPartial: boolean("contributions_partial").notNull().default(false),
    postsPartial: boolean("posts_partial").notNull().default(false),
    questionsPartial: boolean("questions_partial").notNull().default(false),
    answeredPartial: boolean("answered_partial").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.week, t.spaceId] })],
);

// Weeks whose cells must be recomputed (marked by the outbox consumer, cleared by the rollup job).
export const analyticsDirty = pgTable(
  "analytics_dirty",
  {
    orgId: text("org_id").notNull(),
    week: date("week", { mode: "string" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.week] })],
);

// Facts only known from events: accepted answers (Q&A) and the best-practice funnel (discovery).
export const analyticsAccepted = pgTable(
  "analytics_accepted",
  {
    answerId: text("answer_id").primaryKey(),
    orgId: text("org_id").notNull(),
    questionId: text("question_id").notNull(),
    authorId: text("author_id").notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    acceptedAt: ts("accepted_at").notNull(),
  },
  (t) => [index("analytics_accepted_org_idx").on(t.orgId, t.acceptedAt), index("analytics_accepted_question_idx").on(t.questionId)],
);

export const analyticsDiscovery = pgTable(
  "analytics_discovery",
  {
    orgId: text("org_id").notNull(),
    contentId: text("content_id").notNull(),
    stage: text("stage").notNull(), // nominated | approved | viewed
    userId: text("user_id").notNull(), // nominator, author (approved) or viewer
    at: ts("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contentId, t.stage, t.userId] }), index("analytics_discovery_org_idx").on(t.orgId, t.at)],
);

// Organisation settings for analytics (defaults apply when no row exists).
export const analyticsSettings = pgTable("analytics_settings", {
  orgId: text("org_id").primaryKey(),
  minGroupSize: integer("min_group_size").notNull().default(5),
  minutesPerAnswer: integer("minutes_per_answer").notNull().default(15),
  answerTargetMinutes: integer("answer_target_minutes").notNull().default(120),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

// ---------- records management (issue 15) ----------

// A legal hold freezes what a matter needs: versions by its custodians and/or in its spaces,
// within its date range, can neither expire nor be erased until the hold is released.
export const legalHolds = pgTable(
  "legal_holds",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    matter: text("matter").notNull(),
    description: text("description").notNull().default(""),
    custodianIds: text("custodian_ids").array().notNull().default(sql`'{}'::text[]`),
    spaceIds: text("space_ids").array().notNull().default(sql`'{}'::text[]`),
    fromAt: ts("from_at"),
    toAt: ts("to_at"),
    createdBy: text("created_by").notNull(),
    createdAt: ts("created_at").notNull(),
    releasedAt: ts("released_at"),
    releasedBy: text("released_by"),
    releaseReason: text("release_reason"),
  },
  (t) => [index("legal_holds_org_idx").on(t.orgId, t.releasedAt)],
);

// Retention per space ('' = the org default for content outside any space-specific rule), in days.
export const retentionPolicies = pgTable(
  "retention_policies",
  {
    orgId: text("org_id").notNull().references(() => orgs.id),
    spaceId: text("space_id").notNull().default(""),
    days: integer("days").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.spaceId] })],
);

// The legal minimum an org configures (FINRA 4511: six years by default); no policy may be shorter.
export const recordsSettings = pgTable("records_settings", {
  orgId: text("org_id").primaryKey().references(() => orgs.id),
  minRetentionDays: integer("min_retention_days").notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: ts("updated_at").notNull(),
});

// eDiscovery exports: a job row claimed under a lease by any instance, the file kept until expires_at.
export const recordExports = pgTable(
  "record_exports",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    requestedBy: text("requested_by").notNull(),
    search: jsonb("search").notNull(),
    status: text("status").notNull().default("queued"), // queued | running | done | failed
    total: integer("total").notNull().default(0),
    done: integer("done").notNull().default(0),
    fileName: text("file_name"),
    sha256: text("sha256"),
    bytes: bigint("bytes", { mode: "number" }),
    error: text("error"),
    claimedBy: text("claimed_by"),
    claimedUntil: ts("claimed_until"),
    createdAt: ts("created_at").notNull(),
    finishedAt: ts("finished_at"),
    expiresAt: ts("expires_at"),
  },
  (t) => [index("record_exports_org_idx").on(t.orgId, t.createdAt), index("record_exports_status_idx").on(t.status, t.claimedUntil)],
);

// Erasure requests (GDPR art. 17): filed (open), then carried out (done) or declined. A done request
// holds the pseudonym the person now goes by, what was erased and what was kept and why; the real
// name and email stay here (kept_identity, compliance only) only while a hold or retention keeps records.
export const erasureRequests = pgTable(
  "erasure_requests",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    userId: text("user_id").notNull().references(() => users.id),
    reason: text("reason").notNull().default(""),
    status: text("status").notNull().default("open"), // open | done | declined
    requestedBy: text("requested_by").notNull(),
    requestedAt: ts("requested_at").notNull(),
    decidedBy: text("decided_by"),
    decidedAt: ts("decided_at"),
    decisionNote: text("decision_note"),
    pseudonym: text("pseudonym"),
    outcome: jsonb("outcome"),
    keptIdentity: jsonb("kept_identity"),
  },
  (t) => [
    index("erasure_requests_org_idx").on(t.orgId, t.requestedAt),
    // one open request per person, and a person is erased once
    uniqueIndex("erasure_requests_open_key").on(t.userId).where(sql`status = 'open'`),
    uniqueIndex("erasure_requests_done_key").on(t.userId).where(sql`status = 'done'`),
  ],
);

// ---------- integrations (API and SCIM tokens) ----------

// Bearer tokens the org admin creates: "atr_<id>_<secret>", only SHA-256(secret) is stored.
// A token acts as its owner (personal: a person; service: a service account; scim: the admin who made it).
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    kind: text("kind").notNull(), // personal | service | scim
    name: text("name").notNull(),
    ownerId: text("owner_id").notNull().references(() => users.id),
    scopes: text("scopes").array().notNull(),
    secretHash: text("secret_hash").notNull(),
    createdBy: text("created_by").notNull().references(() => users.id),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("api_tokens_org_idx").on(t.orgId, t.createdAt)],
);

// Identity provider settings (single sign-on, and what SCIM groups map to) an org admin keeps on Admin → Single sign-on (environment variables win, field by
// field). The client secret is stored encrypted (AES-256-GCM under a key derived from the app secret) and is
// never shown back. A null claim name: that attribute is not mapped.
export const ssoSettings = pgTable("sso_settings", {
  orgId: text("org_id").primaryKey().references(() => orgs.id),
  issuer: text("issuer"),
  clientId: text("client_id"),
  clientSecretEnc: text("client_secret_enc"),
  secretSetAt: ts("secret_set_at"),
  emailDomains: text("email_domains").array().notNull().default(sql`'{}'::text[]`),
  jit: boolean("jit").notNull().default(false),
  requireSso: boolean("require_sso").notNull().default(false),
  breakGlassEmail: text("break_glass_email"),
  departmentClaim: text("department_claim"),
  titleClaim: text("title_claim"),
  managerClaim: text("manager_claim"),
  managerMatch: text("manager_match").notNull().default("email"), // email | external_id
  // what a SCIM group provisions: a department (its members' department) or a space (its membership set)
  scimGroups: text("scim_groups").notNull().default("department"), // department | space
  updatedBy: text("updated_by").references(() => users.id),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

// ---------- pre-approval ----------

/** Who approves each tier of a pre-approval space (chosen by its admins). */
export const spaceApprovers = pgTable(
  "space_approvers",
  {
    spaceId: text("space_id").notNull().references(() => spaces.id),
    tier: integer("tier").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    addedBy: text("added_by").notNull(),
    addedAt: ts("added_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.spaceId, t.tier, t.userId] }), index("space_approvers_user_idx").on(t.userId)],
);

/** Every approval decision on a held item (also in the archive and audit chains). */
export const approvalDecisions = pgTable(
  "approval_decisions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    contentId: text("content_id").notNull().references(() => content.id),
    tier: integer("tier").notNull(),
    decision: text("decision").notNull(), // approve | reject | resubmit
    actorId: text("actor_id").notNull().references(() => users.id),
    reason: text("reason").notNull().default(""),
    at: ts("at").notNull(),
  },
  (t) => [index("approval_decisions_content_idx").on(t.contentId, t.at)],
);

// ---------- integrations (outbound signed HTTP) ----------

/** Outgoing webhook subscriptions: an HTTPS endpoint, the event types, a signing secret shown once. */
export const webhooks = pgTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    // the admin who created it: events are filtered by what this person may see at delivery time
    ownerId: text("owner_id").notNull().references(() => users.id),
    url: text("url").notNull(),
    events: text("events").array().notNull(),
    secret: text("secret").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [index("webhooks_org_idx").on(t.orgId)],
);

/** One row per HTTP attempt (webhooks and the archive stream): the delivery log. */
export const deliveryLog = pgTable(
  "delivery_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: text("org_id").notNull(),
    target: text("target").notNull(), // webhook id, or "archive"
    eventId: bigint("event_id", { mode: "number" }).notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    eventType: text("event_type").notNull(),
    ok: boolean("ok").notNull(),
    status: integer("status"),
    error: text("error").notNull().default(""),
    at: ts("at").notNull(),
  },
  (t) => [index("delivery_log_target_idx").on(t.target, t.id), index("delivery_log_org_idx").on(t.orgId, t.id)],
);

// ---------- supervision (issue 16) ----------

// A lexicon policy set by compliance: stemmed words and phrases (English and French), regular
// expressions from a safe subset, exception phrases, and the severity of what it flags.
export const supervisionPolicies = pgTable(
  "supervision_policies",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    name: text("name").notNull(),
    terms: text("terms").array().notNull().default(sql`'{}'::text[]`),
    patterns: text("patterns").array().notNull().default(sql`'{}'::text[]`),
    exceptions: text("exceptions").array().notNull().default(sql`'{}'::text[]`),
    severity: text("severity").notNull().default("medium"), // low | medium | high
    active: boolean("active").notNull().default(true),
    createdBy: text("created_by").notNull().references(() => users.id),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [index("supervision_policies_org_idx").on(t.orgId)],
);

// Random sampling: a share of new content per space (space_id) or org-wide (space_id ''), drawn with a seed.
export const supervisionSampling = pgTable(
  "supervision_sampling",
  {
    orgId: text("org_id").notNull().references(() => orgs.id),
    spaceId: text("space_id").notNull().default(""),
    rate: doublePrecision("rate").notNull(),
    seed: text("seed").notNull(),
    updatedBy: text("updated_by").notNull().references(() => users.id),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.spaceId] })],
);

// The review queue: one row per (item version, source) that a policy matched or the sample drew.
export const supervisionFlags = pgTable(
  "supervision_flags",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => orgs.id),
    contentId: text("content_id").notNull().references(() => content.id),
    contentVersion: integer("content_version").notNull(),
    authorId: text("author_id").notNull().references(() => users.id),
    spaceId: text("space_id"),
    // 'policy:<id>' or 'sample'
    source: text("source").notNull(),
    policyId: text("policy_id"),
    severity: text("severity").notNull(),
    // matched spans of the text as flagged ({start, end, term}) or the sample draw ({seedId, rate, draw})
    detail: jsonb("detail").notNull(),
    text: text("text").notNull(),
    state: text("state").notNull().default("open"), // open | reviewed | escalated | hidden
    decidedBy: text("decided_by"),
    decidedAt: ts("decided_at"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("supervision_flags_item_key").on(t.contentId, t.contentVersion, t.source),
    index("supervision_flags_queue_idx").on(t.orgId, t.state, t.createdAt.desc()),
  ],
);

export const supervisionNotes = pgTable(
  "supervision_notes",
  {
    id: text("id").primaryKey(),
    flagId: text("flag_id").notNull().references(() => supervisionFlags.id),
    authorId: text("author_id").notNull().references(() => users.id),
    body: text("body").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [index("supervision_notes_flag_idx").on(t.flagId)],
);

// The social-media usage policy, published by org admins in versions; people acknowledge a version.
export const usagePolicies = pgTable(
  "usage_policies",
  {
    orgId: text("org_id").notNull().references(() => orgs.id),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    bodyJson: jsonb("body_json").notNull(),
    bodyHtml: text("body_html").notNull(),
    publishedBy: text("published_by").notNull().references(() => users.id),
    publishedAt: ts("published_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.version] })],
);

export const usageAcknowledgements = pgTable(
  "usage_acknowledgements",
  {
    orgId: text("org_id").notNull().references(() => orgs.id),
    userId: text("user_id").notNull().references(() => users.id),
    version: integer("version").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.version] }), index("usage_ack_org_idx").on(t.orgId, t.version)],
);
