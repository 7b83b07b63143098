import { createHash, createHmac, randomBytes } from "node:crypto";

// Random sampling for supervision: whether an item is drawn is HMAC-SHA256(seed, content id)
// read as a number in [0, 1) and compared with the rate. The draw is reproducible by anyone
// who holds the seed (an examiner re-running it gets the same sample), independent of
// arrival order or which worker saw the item, and recorded with each drawn item for audit.

/** The item's draw in [0, 1): the first 48 bits of HMAC-SHA256(seed, contentId). */
export function sampleDraw(seed: string, contentId: string): number {
  const mac = createHmac("sha256", seed).update(contentId).digest();
  return mac.readUIntBE(0, 6) / 2 ** 48;
}

export const isSampled = (seed: string, contentId: string, rate: number) => sampleDraw(seed, contentId) < rate;

/** A short public fingerprint of a seed, recorded with each draw instead of the seed itself. */
export const seedFingerprint = (seed: string) => createHash("sha256").update(seed).digest("hex").slice(0, 16);

export const newSeed = () => randomBytes(24).toString("base64url");
