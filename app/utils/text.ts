/**
 * A search term as the databases accept it: no NUL or other control characters
 * (PostgreSQL rejects NUL in text), whitespace collapsed, length capped.
 */
export function cleanQuery(raw: string, max = 200): string {
  return raw.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/\s+/g, " ").trim().slice(0, max);
}
