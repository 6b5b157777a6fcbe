/**
 * `deno task layers`: imports flow one way (HOUSE_STYLE.md). Lists every import that breaks a
 * rule and exits 1 when there is one.
 *
 *   routes     → db, lib, components, islands, plugins; no Kysely (not even its types: routes
 *                take `Db` from db/schema.ts), no `sql`, no database drivers
 *   plugins    → db, lib, components
 *   islands    → lib, components (and browser packages)
 *   components → lib, components, islands
 *   db         → lib (types and pure helpers), migrations
 *   lib        → lib only; no Hono, Kysely, database drivers
 *   workers    → lib (worker threads: pure computations off the request thread)
 *   migrations → kysely only
 */
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname!, "..");

const ALLOWED: Record<string, string[]> = {
  routes: ["routes", "db", "lib", "components", "islands", "plugins", "fresh.config.ts"],
  plugins: ["plugins", "db", "lib", "components", "fresh.config.ts"],
  islands: ["islands", "lib", "components"],
  components: ["components", "lib", "islands", "plugins"],
  db: ["db", "lib", "migrations"],
  lib: ["lib"],
  workers: ["workers", "lib"],
  migrations: ["migrations"],
};
const DATABASE_PACKAGES = /^(kysely|postgres|@electric-sql\/pglite|kysely-postgres-js)(\/|$)/;
const FORBIDDEN_PACKAGES: Record<string, RegExp> = {
  routes: DATABASE_PACKAGES,
  lib: /^(hono|kysely|postgres|@electric-sql\/pglite|kysely-postgres-js|npm:)/,
  workers: /^(hono|kysely|postgres|@electric-sql\/pglite|kysely-postgres-js|npm:)/,
  islands: /^(hono|kysely|postgres|@electric-sql\/pglite|kysely-postgres-js|zod|npm:)/,
  migrations: /^(?!kysely)/,
};

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && entry.name !== "testdata") yield* sourceFiles(path);
    else if (entry.isFile && /\.tsx?$/.test(entry.name)) yield path;
  }
}

/** Building or running a query in place (routes/ call db/ functions instead). */
const QUERY_BUILDING =
  /\.(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|selectNoFrom)\(|\bsql`/;
const NO_QUERIES = new Set(["routes"]);

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

export async function layerViolations(): Promise<string[]> {
  const problems: string[] = [];
  for (const layer of Object.keys(ALLOWED)) {
    const dir = join(ROOT, layer);
    if (!(await Deno.stat(dir).then(() => true, () => false))) continue;
    for await (const file of sourceFiles(dir)) {
      const isTest = /_test\.tsx?$/.test(file) || file.includes("/testdata/");
      const text = await Deno.readTextFile(file);
      const where = relative(ROOT, file);
      const query = NO_QUERIES.has(layer) && !isTest && QUERY_BUILDING.exec(text);
      if (query) {
        problems.push(`${where}: ${layer}/ must not build queries ("${query[0]}"): call db/`);
      }
      for (const match of text.matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2];
        if (specifier.startsWith(".")) {
          const target = relative(ROOT, resolve(join(file, ".."), specifier));
          const top = target.split("/")[0];
          if (!ALLOWED[layer].includes(top) && !(isTest && top === "tests")) {
            problems.push(`${where}: ${layer}/ must not import ${target}`);
          }
        } else if (
          !isTest && FORBIDDEN_PACKAGES[layer]?.test(specifier) && !specifier.startsWith("node:")
        ) {
          problems.push(`${where}: ${layer}/ must not import the package "${specifier}"`);
        }
      }
    }
  }
  return problems;
}

if (import.meta.main) {
  const problems = await layerViolations();
  if (problems.length) {
    console.error(`Layer rules broken (${problems.length}):\n  ${problems.join("\n  ")}`);
    Deno.exit(1);
  }
  console.log("Layers: every import flows the right way");
}
