// Shared with the review queue and lexicon pages: never in a .server module (those are empty in the browser).
export const SEVERITIES = ["low", "medium", "high"] as const;
export const FLAG_STATES = ["open", "escalated", "reviewed", "hidden"] as const;
