import { describe, expect, it } from "vitest";
import { serverValueProblems } from "../../scripts/lib/server-values";

// The lint rule behind "values rendered by React components must not come from .server modules"
// (they are empty stubs in the browser bundle). Types may cross; values may not.

describe("lint: server-only values stay out of the browser", () => {
  it("refuses a component that imports a value from a .server module, and names it", () => {
    const src = `import { type PostableSpace, submitPost } from "~/content/composer.server";\nexport const X = (s: PostableSpace) => String(submitPost) + s;\n`;
    const problems = serverValueProblems("app/components/x.tsx", src);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("app/components/x.tsx: a component imports values from a .server module (`submitPost` from ~/content/composer.server)");
  });

  it("lets types through: import type, inline type specifiers, export type", () => {
    const src = [
      `import type { PostView } from "~/content/hydrate.server";`,
      `import { type PostableSpace } from "~/content/composer.server";`,
      `export type { Health } from "~/qa/pages.server";`,
      `export const X = (p: PostView, s: PostableSpace) => p.id + s.id;`,
    ].join("\n");
    expect(serverValueProblems("app/components/x.tsx", src)).toEqual([]);
  });

  it("refuses re-exports and side-effect imports of .server modules outside routes", () => {
    expect(serverValueProblems("app/components/x.ts", `export { submitPost } from "~/content/composer.server";\n`)).toHaveLength(1);
    expect(serverValueProblems("app/i18n/x.ts", `import "~/boot.server";\n`)[0]).toContain("a module the browser bundle may load");
  });

  it("in a route, allows server values in loader and action (and helpers only they use), refuses them in the page", () => {
    const src = [
      `import { json } from "@remix-run/node";`,
      `import { listHolds } from "~/records/holds.server";`,
      `import { submitPost, MAX } from "~/content/composer.server";`,
      `import { requireViewer } from "~/identity/request.server";`,
      `const load = () => listHolds;`,
      `const label = () => String(MAX);`,
      `export async function loader() { await requireViewer(); return json({ a: load() }); }`,
      `export async function action() { return json({ b: submitPost }); }`,
      `export default function Page() { return <p>{label()}</p>; }`,
    ].join("\n");
    const problems = serverValueProblems("app/routes/x.tsx", src);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("uses `MAX` from ~/content/composer.server");
  });

  it("sees meta and other browser exports too, and leaves .server files alone", () => {
    const meta = `import { title } from "~/x.server";\nexport const meta = () => [{ title: title() }];\nexport default function P() { return null; }\n`;
    expect(serverValueProblems("app/routes/x.tsx", meta)[0]).toContain("uses `title`");
    expect(serverValueProblems("app/feed/x.server.ts", `import { a } from "~/y.server";\nexport const b = a;\n`)).toEqual([]);
  });
});
