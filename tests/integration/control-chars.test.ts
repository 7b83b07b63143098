import { describe, expect, it } from "vitest";
import { reviewSearch } from "../../app/compliance/review.server";
import { formToObject } from "../../app/utils/forms.server";
import { buildWorld } from "../fixtures/world";

// A NUL byte (from a crafted URL or form) must be cleaned or refused with a 4xx,
// never reach PostgreSQL, which rejects it in text and jsonb (a 500).

describe("control characters in input", () => {
  it("forms drop control characters but keep tabs and newlines", () => {
    const form = new FormData();
    form.set("name", "Ali\u0000ce\u0007");
    form.set("description", "line one\nline\ttwo");
    expect(formToObject(form)).toEqual({ name: "Alice", description: "line one\nline\ttwo" });
  });

  it("an audited compliance search with a NUL in the query answers and records the cleaned query", async () => {
    const w = await buildWorld();
    const viewer = await w.viewer(w.users.compliance.id);
    await expect(reviewSearch(viewer, { q: "Secret\u0000 post" })).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ text: "Secret post" })]),
    );
  });
});
