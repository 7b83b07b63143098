// Where a redirect parameter (redirectTo, returnTo, ...) may send the browser: a path on this
// site, never another host. Browsers strip tab/CR/LF and read "\" as "/" inside a URL, so a
// string check on the raw text is not enough: the target is parsed as a URL against a base
// origin and only a same-origin result is kept, returned as path + query + fragment.

// The base only has to be an origin no target can name; the result is a path, valid on ours.
const BASE = "http://atrium.invalid";
const MAX_LENGTH = 2000;
// C0 and C1 controls, DEL, and characters browsers drop or reinterpret (U+2028/9, BOM).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\\]/;

/** `target` when it names a path on this site, else `fallback` (itself a path). */
export function safeRedirect(target: unknown, fallback = "/"): string {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_LENGTH) return fallback;
  // Only a rooted path: no scheme, no "//host", no "/\host".
  if (!target.startsWith("/") || target.startsWith("//") || UNSAFE.test(target)) return fallback;
  // Encoded slashes, backslashes or controls that decode into any of the above are refused too,
  // in case a proxy or a later hop decodes the path once more.
  let decoded = target;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (next === decoded) break;
    if (UNSAFE.test(next) || /^\/[/\\]/.test(next)) return fallback;
    decoded = next;
  }
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.username || url.password) return fallback;
  // Dot segments can turn "/.//evil" into "//evil": judge the normalised path as well.
  const path = url.pathname + url.search + url.hash;
  if (!path.startsWith("/") || /^\/[/\\]/.test(path)) return fallback;
  return path;
}
