// Shared with the archive search form: never in a .server module (those are empty in the browser).
export const ARCHIVE_KINDS = ["post", "comment", "question", "answer", "reaction", "profile"] as const;
