import type { ComponentType } from "preact";

/** Throws when a value would not survive JSON: NaN, ±Infinity, Date, functions, undefined. */
export function assertJsonSafe(value: unknown, path = "props"): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`Island ${path} is ${value}: use null + a reason`);
    return;
  }
  if (Array.isArray(value)) return value.forEach((v, i) => assertJsonSafe(v, `${path}[${i}]`));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value as object)) {
      if (v !== undefined) assertJsonSafe(v, `${path}.${k}`);
    }
    return;
  }
  throw new Error(`Island ${path} is not plain JSON (${typeof value})`);
}

/**
 * Renders an island on the server inside a marker that carries its name and JSON props; the
 * client runtime (`islands/_client.ts`) hydrates it. The island's name is its function's name,
 * which must equal its file name in `islands/` (a test checks it).
 */
export function Island<P extends Record<string, unknown>>(
  { component: Component, props }: { component: ComponentType<P>; props: P },
) {
  assertJsonSafe(props);
  const name = Component.displayName ?? Component.name;
  return (
    <div class="island" data-island={name} data-props={JSON.stringify(props)}>
      <Component {...props} />
    </div>
  );
}
