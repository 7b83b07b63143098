// The lint rule that keeps server-only values out of the browser bundle (scripts/lint.ts).
import ts from "typescript";

// `.server` modules are replaced by empty stubs in the browser bundle: a value taken from one and
// rendered by a component is `undefined` there (and the page breaks after hydration). Types are fine.
/** The names a file takes as values (not `import type`, not `{ type X }`) from `.server` modules. */
export function serverValueImports(sf: ts.SourceFile): Map<string, string> {
  const names = new Map<string, string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue;
    const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : "";
    if (!/\.server(\.tsx?)?$/.test(spec)) continue;
    if (ts.isExportDeclaration(st)) {
      if (!st.isTypeOnly) names.set(`export … from ${spec}`, spec);
      continue;
    }
    const clause = st.importClause;
    if (!clause) {
      names.set(`import "${spec}"`, spec);
      continue;
    }
    if (clause.isTypeOnly) continue;
    if (clause.name) names.set(clause.name.text, spec);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.set(bindings.name.text, spec);
    if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) if (!el.isTypeOnly) names.set(el.name.text, spec);
  }
  return names;
}

/** Identifiers used as values inside a node (type positions skipped). */
function valueIdentifiers(node: ts.Node, out = new Set<string>()): Set<string> {
  if (ts.isTypeNode(node) || ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isImportDeclaration(node)) return out;
  if (ts.isIdentifier(node)) out.add(node.text);
  node.forEachChild((child) => void valueIdentifiers(child, out));
  return out;
}

const SERVER_EXPORTS = new Set(["loader", "action", "headers"]);
const isExported = (st: ts.Statement) => !!ts.getModifiers(st as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const isDefault = (st: ts.Statement) => !!ts.getModifiers(st as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

/**
 * A route's browser part: every export but loader/action/headers (the component, meta, links,
 * ErrorBoundary, handle...) and the top-level declarations they reach. Returns the server values it uses.
 */
function serverValuesInRouteBrowserPart(sf: ts.SourceFile, server: Map<string, string>): string[] {
  const decls = new Map<string, ts.Statement>();
  const roots: ts.Node[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st)) continue;
    const names = ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) ? (st.name ? [st.name.text] : [])
      : ts.isVariableStatement(st) ? st.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []))
      : [];
    const exported = isExported(st) || ts.isExportAssignment(st);
    if (exported && (isDefault(st) || ts.isExportAssignment(st) || !names.some((n) => SERVER_EXPORTS.has(n)))) roots.push(st);
    else if (!names.length) roots.push(st); // a top-level statement runs in the browser too
    for (const n of names) decls.set(n, st);
  }
  const seen = new Set<ts.Node>();
  const used = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const node = queue.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const id of valueIdentifiers(node)) {
      if (server.has(id)) used.add(id);
      const d = decls.get(id);
      if (d && !SERVER_EXPORTS.has(id)) queue.push(d);
    }
  }
  return [...used].sort();
}

/** The problems of one file under app/ (empty when it keeps server values on the server). */
export function serverValueProblems(file: string, src: string): string[] {
  const rel = file.replace(/\\/g, "/");
  if (!/\.(ts|tsx)$/.test(rel) || /\.server\.tsx?$/.test(rel) || /\.test\.ts$/.test(rel) || !/\.server/.test(src)) return [];
  const sf = ts.createSourceFile(rel, src, ts.ScriptTarget.Latest, true, rel.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const server = serverValueImports(sf);
  if (!server.size) return [];
  if (rel.startsWith("app/routes/") || rel === "app/root.tsx") {
    // loader and action run on the server; what the page renders must come through their data
    return serverValuesInRouteBrowserPart(sf, server).map(
      (id) => `${file}: the page's browser part (component, meta, ...) uses \`${id}\` from ${server.get(id)}; .server modules are empty in the browser: send the value through the loader, or move it to a shared module`,
    );
  }
  const list = [...server].map(([id, spec]) => `\`${id}\` from ${spec}`).join(", ");
  const where = rel.startsWith("app/components/") ? "a component" : "a module the browser bundle may load";
  return [`${file}: ${where} imports values from a .server module (${list}); .server modules are empty in the browser: use \`import type\`, take the value as a prop, or move it to a shared module`];
}
