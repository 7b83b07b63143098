import { describe, expect, it } from "vitest";
import { getViewer } from "../../app/identity/request.server";
import { createSession, getCurrentUser } from "../../app/identity/session.server";
import { runInRequestScope } from "../../app/platform/request-scope.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";

// Remix gives each loader of a document request its own copy of the Request: the session and
// the viewer's facts must still be loaded once per HTTP request, and never reused after an action.

async function signedIn() {
  const org = await makeOrg();
  const user = await makeUser(org.id);
  const cookie = `atrium_session=${encodeURIComponent((await createSession(user.id)).token)}`;
  const copy = () => new Request("http://localhost/best-practices", { headers: { Cookie: cookie } });
  return { user, copy };
}

describe("request scope", () => {
  it("the root's and the page's loaders share one session check and one viewer within a read request", async () => {
    const { user, copy } = await signedIn();
    await runInRequestScope("GET", async () => {
      const [a, b] = [copy(), copy()];
      expect(getCurrentUser(a)).toBe(getCurrentUser(b));
      const viewer = await getViewer(a);
      expect(await getViewer(b)).toBe(viewer); // the same facts object: loaded once
      expect(viewer.id).toBe(user.id);
    });
  });

  it("two read requests, or the loaders after an action, load their own", async () => {
    const { copy } = await signedIn();
    const first = await runInRequestScope("GET", () => getViewer(copy()));
    const second = await runInRequestScope("GET", () => getViewer(copy()));
    expect(first).not.toBe(second);
    await runInRequestScope("POST", async () => {
      expect(getCurrentUser(copy())).not.toBe(getCurrentUser(copy()));
    });
    // outside any HTTP request (jobs, scripts), nothing is shared
    expect(await getViewer(copy())).not.toBe(await getViewer(copy()));
  });
});
