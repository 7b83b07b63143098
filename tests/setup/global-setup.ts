import postgres from "postgres";
import { openDatabase } from "../../app/db/client.server";

// With TEST_DATABASE_URL, migrate one template database once; each worker then
// clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
export default async function setup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const template = `${new URL(url).pathname.slice(1) || "atrium"}_template`;
  try {
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.unsafe(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${template}`;
  const h = await openDatabase({ kind: "postgres", url: u.toString(), max: 1 });
  await h.close();
  process.env.ATRIUM_TEST_TEMPLATE = template;
}
