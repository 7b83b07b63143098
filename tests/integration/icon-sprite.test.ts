// The document's icon sprite is fixed markup rendered ahead of time (app/components/icon-sprite-markup.ts):
// it must stay what the sprite's React symbols render today, or a page would show other icons
// than the ones icons.tsx names.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ICON_SPRITE_MARKUP } from "../../app/components/icon-sprite-markup";
import { Icon, IconSprite } from "../../app/components/icons";
import { renderSpriteMarkup } from "../../scripts/icon-sprite";

describe("icon sprite", () => {
  it("is the symbols rendered now (run `npm run icons:sprite` after changing them)", () => {
    expect(ICON_SPRITE_MARKUP).toBe(renderSpriteMarkup());
  });

  it("carries a symbol for every icon a page references, inside the hidden sprite", () => {
    const page = renderToStaticMarkup(createElement("div", null, createElement(IconSprite), createElement(Icon, { name: "thumbs-up" }), createElement(Icon, { name: "hash" })));
    expect(page).toMatch(/^<div><svg aria-hidden="true" focusable="false" class="absolute size-0 overflow-hidden"><symbol id="i-thumbs-up"/);
    for (const ref of page.matchAll(/<use href="#([^"]+)"/g)) expect(page).toContain(`<symbol id="${ref[1]}" viewBox="0 0 24 24"><svg`);
    expect([...page.matchAll(/<symbol id="/g)]).toHaveLength(7);
  });
});
