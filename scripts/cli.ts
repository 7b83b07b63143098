import fs from "node:fs";
import { closeDb, DataDirBusyError, getDb, type Db } from "../app/db/client.server";

/** Opens the configured database for a command-line task; refuses clearly if the embedded one is busy. */
export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  let db: Db;
  try {
    db = await getDb();
  } catch (e) {
    if (e instanceof DataDirBusyError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  try {
    return await fn(db);
  } finally {
    await closeDb();
  }
}

/** A one-line progress bar on a terminal; periodic lines otherwise (CI logs). */
export function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let lastPrinted = 0;
  return {
    update(done: number, total: number) {
      const pct = total ? Math.min(1, done / total) : 1;
      if (tty) {
        const width = 30;
        const filled = Math.round(pct * width);
        process.stderr.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${(pct * 100).toFixed(0)}%`);
      } else if (Date.now() - lastPrinted > 2000 || done === total) {
        lastPrinted = Date.now();
        process.stderr.write(`${label} ${done}/${total}\n`);
      }
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}

export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (fs.existsSync(".env")) process.loadEnvFile(".env");
