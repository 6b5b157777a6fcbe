import { Hono } from "hono";
import { renderPage } from "../../components/render.tsx";
import { Island } from "../../components/Island.tsx";
import { DEFAULT_PLANNER } from "../../components/tools/planner.ts";
import { defaultArms } from "../../components/tools/significance.ts";
import SampleSizePlanner from "../../islands/SampleSizePlanner.tsx";
import SignificanceCalculator from "../../islands/SignificanceCalculator.tsx";
import type { AppEnv } from "../../plugins/context.ts";

const app = new Hono<AppEnv>();

/** Public: the planner and the significance calculator, server-rendered with default inputs. */
app.get("/tools/calculator", (c) => {
  const { locale, t } = c.var;
  return renderPage(c, {
    title: t("sections.calculator"),
    body: (
      <>
        <header class="page-head">
          <h1>{t("sections.calculator")}</h1>
          <p class="muted">{t("tools.calc.intro")}</p>
        </header>
        <div class="tools-stack">
          <Island component={SampleSizePlanner} props={{ locale, initial: DEFAULT_PLANNER }} />
          <Island
            component={SignificanceCalculator}
            props={{ locale, arms: defaultArms(t), sequential: false }}
          />
        </div>
      </>
    ),
  });
});

export default app;
