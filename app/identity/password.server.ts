import { hash, verify } from "@node-rs/argon2";

// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes).
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const hashPassword = (password: string) => hash(password, options);

let dummy: Promise<string> | null = null;

/** Verifies; with no stored hash, still spends the same time so timing reveals nothing. */
export async function verifyPassword(stored: string | null | undefined, password: string) {
  if (!stored) {
    dummy ??= hashPassword("atrium-timing-equaliser");
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
