import { ICON_SPRITE_MARKUP } from "./icon-sprite-markup";
import { CircleHelp, HandHelping, Hash, Lightbulb, PartyPopper, SmilePlus, ThumbsUp, type LucideIcon } from "lucide-react";

// Icons repeated on every row of a list (five reactions per post, a hash per space) are drawn
// once per page as symbols and referenced with <use>: inline, twenty posts carried 115 copies
// of the same five paths (68 KB of a 200 KB home page). One-off icons stay inline components.
const SPRITE = {
  "thumbs-up": ThumbsUp,
  "party-popper": PartyPopper,
  lightbulb: Lightbulb,
  "hand-helping": HandHelping,
  "circle-help": CircleHelp,
  "smile-plus": SmilePlus,
  hash: Hash,
} satisfies Record<string, LucideIcon>;

export type SpriteIcon = keyof typeof SPRITE;

/** The symbols as React elements: the source of ICON_SPRITE_MARKUP (`npm run icons:sprite` writes it). */
export function spriteSymbols() {
  return Object.entries(SPRITE).map(([name, Glyph]) => (
    <symbol key={name} id={`i-${name}`} viewBox="0 0 24 24">
      <Glyph width={24} height={24} strokeWidth={2} />
    </symbol>
  ));
}

/**
 * The symbols, once per document (root Layout), before any <Icon>: as fixed markup rendered ahead
 * of time, so a page does not render ~60 SVG elements through React on every request. A test
 * holds the markup equal to spriteSymbols() rendered now.
 */
export function IconSprite() {
  return <svg aria-hidden="true" focusable="false" className="absolute size-0 overflow-hidden" dangerouslySetInnerHTML={{ __html: ICON_SPRITE_MARKUP }} />;
}

/** A sprite icon, decorative (the control carries the label). */
export function Icon({ name, className }: { name: SpriteIcon; className?: string }) {
  return (
    <svg aria-hidden="true" focusable="false" className={className}>
      <use href={`#i-${name}`} />
    </svg>
  );
}
