#!/usr/bin/env Rscript
# Reference fixture for lib/stats/power.ts powerForSampleSize(): the power R's
# power.prop.test(n = n, p1, p2, sig.level = alpha / (k - 1)) reports for a given n per arm
# (two-sided, normal approximation, strict = FALSE). Run from the repository root:
#   Rscript tools/gen_power_curve_fixtures.R && deno fmt lib/stats/testdata/power_curve.json
# Writes lib/stats/testdata/power_curve.json. Base R only.

generated <- format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
num <- function(v) sprintf("%.17g", v)

case <- function(name, p1, p2, n, alpha = 0.05, k = 2) {
  power <- power.prop.test(n = n, p1 = p1, p2 = p2, sig.level = alpha / (k - 1))$power
  sprintf(
    '{"name":"%s","input":{"baselineRate":%s,"variantRate":%s,"perVariant":%s,"alpha":%s,"variants":%d},"expected":{"power":%s}}',
    name, num(p1), num(p2), num(n), num(alpha), as.integer(k), num(power)
  )
}

cases <- c(
  case("SMS 2% to 2.2% at the planned 80,682 per arm", 0.02, 0.022, 80682),
  case("SMS 2% to 2.2% at 10,000 per arm", 0.02, 0.022, 10000),
  case("10% to 11% at 1,000 per arm", 0.10, 0.11, 1000),
  case("decrease 30% to 27% at 5,000 per arm", 0.30, 0.27, 5000),
  case("tiny sample: power near alpha / 2", 0.05, 0.051, 10),
  case("unequal direction, alpha 0.01", 0.5, 0.45, 2000, alpha = 0.01),
  case("four arms divide alpha by 3", 0.05, 0.06, 8000, k = 4),
  case("huge sample: power rounds to 1", 0.02, 0.03, 1e7),
  case("rates near the edges", 0.001, 0.002, 30000),
  case("high rates", 0.95, 0.97, 1500)
)

source <- paste0(
  "tools/gen_power_curve_fixtures.R (", R.version.string,
  "): power.prop.test(n, p1, p2, sig.level = alpha/(k-1))$power"
)
body <- paste0(
  '{"metadata":{"source":"', source, '","generated":"', generated, '"},"cases":[',
  paste(cases, collapse = ","), "]}"
)
writeLines(body, "lib/stats/testdata/power_curve.json")
cat("wrote power_curve.json", length(cases), "cases\n")
