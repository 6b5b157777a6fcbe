import type { Translate } from "../../lib/i18n/mod.ts";
import { CLUSTERS, type ClusterView } from "../../lib/lens/clusters.ts";
import { MODEL } from "../../lib/lens/model.ts";

/** Counts of champions, fast followers, adopters and latecomers; the bank's own highlighted. */
export function Clusters(
  { view, groupLabel, t }: { view: ClusterView; groupLabel: string; t: Translate },
) {
  return (
    <section class="card clusters" data-testid="clusters">
      <h2>{t("cluster.title")}</h2>
      {view.group === null
        ? <p class="muted">{t("cluster.tooFew", { k: MODEL.peer_statistics.k_min })}</p>
        : (
          <>
            <p class="muted small">{t("cluster.group", { group: groupLabel, n: view.n })}</p>
            <ol class="cluster-list">
              {CLUSTERS.map((c) => (
                <li
                  key={c}
                  data-cluster={c}
                  class={view.bank === c ? "own" : undefined}
                  aria-current={view.bank === c ? "true" : undefined}
                >
                  <strong>{t(`cluster.${c}`)}</strong>{" "}
                  <span>{t("cluster.count", { n: view.counts[c] })}</span>
                  {view.bank === c && (
                    <span class="badge" data-testid="own-cluster">{t("cluster.you")}</span>
                  )}
                </li>
              ))}
            </ol>
          </>
        )}
      <p class="muted small">{t("cluster.rule")}</p>
    </section>
  );
}
