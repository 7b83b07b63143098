// Shared by the list page's loader and its component: a .server module's exports are
// stubbed in the browser bundle, so values the component renders must live here.
export const QUESTION_TABS = ["recent", "unanswered", "breached", "mine", "following"] as const;
export type QuestionTab = (typeof QUESTION_TABS)[number];
