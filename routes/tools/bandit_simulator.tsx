import { Hono } from "hono";
import { renderPage } from "../../components/render.tsx";
import { Island } from "../../components/Island.tsx";
import {
  banditSpecs,
  DEFAULT_BANDIT,
  type PolicyResult,
} from "../../components/tools/bandit_inputs.ts";
import { translator } from "../../lib/i18n/mod.ts";
import { simulateBandit } from "../../lib/stats/bandits.ts";
import BanditSimulator from "../../islands/BanditSimulator.tsx";
import type { AppEnv } from "../../plugins/context.ts";

const app = new Hono<AppEnv>();

let defaults: PolicyResult[] | null = null;

/** The default simulation's results: seeded, so computed once (~0.1 s) and kept. */
export function defaultBanditResults(): PolicyResult[] {
  if (!defaults) {
    const plan = banditSpecs(DEFAULT_BANDIT, translator("en"));
    if (!plan.ok) throw new Error(`Invalid default simulation: ${plan.errors.join("; ")}`);
    defaults = plan.specs.map((spec) => ({ policy: spec.policy, result: simulateBandit(spec) }));
  }
  return defaults;
}

/** Public: the bandit simulator, server-rendered with the default simulation's results. */
app.get("/tools/bandit-simulator", (c) => {
  const { locale, t } = c.var;
  return renderPage(c, {
    title: t("sections.banditSimulator"),
    body: (
      <>
        <header class="page-head">
          <h1>{t("sections.banditSimulator")}</h1>
          <p class="muted">{t("tools.bandit.intro")}</p>
        </header>
        <Island
          component={BanditSimulator}
          props={{ locale, initial: DEFAULT_BANDIT, results: defaultBanditResults() }}
        />
      </>
    ),
  });
});

export default app;
