/**
 * The hydration runtime: finds every island marker rendered by `components/Island.tsx`, loads
 * that island's chunk and hydrates it with the JSON props the server rendered it with.
 */
import { h, hydrate } from "preact";
import type { ComponentType } from "preact";

type Loader = () => Promise<{ default: ComponentType<Record<string, unknown>> }>;

export async function hydrateIslands(loaders: Record<string, Loader>): Promise<void> {
  const markers = Array.from(document.querySelectorAll<HTMLElement>("[data-island]"));
  await Promise.all(markers.map(async (marker) => {
    const name = marker.dataset.island ?? "";
    const load = loaders[name];
    if (!load) {
      console.error(`Unknown island "${name}"`);
      return;
    }
    const props = JSON.parse(marker.dataset.props ?? "{}");
    const { default: Island } = await load();
    hydrate(h(Island, props), marker);
    marker.dataset.hydrated = "true";
  }));
}
