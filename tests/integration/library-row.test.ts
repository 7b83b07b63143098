import { describe, expect, it } from "vitest";
import type { PostView } from "../../app/content/hydrate.server";
import { libraryRow } from "../../app/discovery/library.server";

const post = (over: Partial<PostView>): PostView => ({
  id: "p1",
  kind: "post",
  parentId: null,
  title: "",
  author: { id: "u1", name: "Bob", title: "Analyst" },
  space: { id: "s1", name: "Risk", slug: "risk" },
  html: "<p>ignored</p>",
  text: "",
  createdAt: "2026-11-30T10:00:00.000Z",
  edited: false,
  reactions: { like: 2, celebrate: 1, insightful: 0, helpful: 3, curious: 0 },
  myReactions: [],
  commentCount: 4,
  pinned: false,
  hold: null,
  hiddenReason: null,
  can: { edit: false, delete: false, comment: true, react: true, history: true, pin: false, topics: false },
  ...over,
});

describe("a library row", () => {
  it("takes a post's first sentence as its headline and the rest as the excerpt; counts reactions and comments", () => {
    const r = libraryRow(post({ text: "Call the client back within one hour. It halves complaints.\nWe measured it over a quarter." }));
    expect(r.headline).toBe("Call the client back within one hour.");
    expect(r.excerpt).toBe("It halves complaints. We measured it over a quarter.");
    expect([r.reactions, r.comments]).toEqual([6, 4]);
    expect(r).not.toHaveProperty("html"); // never the whole body
  });

  it("keeps a question's title, clips long text at a word with an ellipsis, and drops control characters", () => {
    const long = `${"word ".repeat(80)}end`;
    const q = libraryRow(post({ kind: "question", title: "How do we onboard a trust?", text: long }));
    expect(q.headline).toBe("How do we onboard a trust?");
    expect(q.excerpt.length).toBeLessThanOrEqual(220);
    expect(q.excerpt.endsWith("word…")).toBe(true);
    const noStop = libraryRow(post({ text: `no sentence end\u0000 here ${"x".repeat(200)}` }));
    expect(noStop.headline).not.toContain("\u0000");
    expect(noStop.headline.length).toBeLessThanOrEqual(100);
  });
});
