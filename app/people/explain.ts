import type { MessageKey, MessageVars } from "~/i18n";
import type { ExpertiseLine } from "./expertise.server";

type T = (key: MessageKey, vars?: MessageVars) => string;
type Counted = "accepted" | "upvotes" | "downvotes" | "endorsements" | "bestPractices";
const PARTS: Counted[] = ["accepted", "upvotes", "endorsements", "bestPractices", "downvotes"];

/** The activity behind one line of expertise, in words: "3 accepted answers on #kyc in the last 90 days". */
export function explainExpertise(t: T, line: ExpertiseLine): string[] {
  const out: string[] = [];
  for (const part of PARTS) {
    const count = line[part];
    if (count > 0) out.push(t(`expertise.${part}.${count === 1 ? "one" : "other"}` as MessageKey, { count, tag: line.tag, days: line.windowDays }));
  }
  // everything in the window has aged out, but older evidence still counts (decayed)
  if (!out.length) out.push(t("expertise.older", { tag: line.tag }));
  return out;
}
