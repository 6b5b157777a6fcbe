#!/usr/bin/env Rscript
# Reference fixtures for lib/stats from base R (stats package): prop.test, chisq.test, p.adjust,
# t.test on raw data, power.prop.test. Run from the repository root:
#   Rscript tools/gen_stats_fixtures.R
# Writes lib/stats/testdata/{proportions,holm,chi_square,means,cuped,power,sequential,
# proportions_analysis}.json. Deterministic (set.seed). No packages beyond base R.

out_dir <- "lib/stats/testdata"
generated <- format(Sys.time(), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
source_note <- function(what) paste0("tools/gen_stats_fixtures.R (", R.version.string, "): ", what)

# Minimal JSON writer: named list -> object, unnamed list / vector of length != 1 -> array,
# NA/NaN/Inf -> null, numbers with 17 significant digits. I() keeps a length-1 vector an array.
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    items <- vapply(x, to_json, "")
    if (!is.null(names(x))) {
      return(paste0("{", paste0('"', names(x), '":', items, collapse = ","), "}"))
    }
    return(paste0("[", paste(items, collapse = ","), "]"))
  }
  scalar <- function(v) {
    if (is.na(v) || (is.numeric(v) && !is.finite(v))) return("null")
    if (is.logical(v)) return(if (v) "true" else "false")
    if (is.character(v)) return(paste0('"', gsub('"', '\\\\"', v), '"'))
    sprintf("%.17g", v)
  }
  items <- vapply(as.list(x), scalar, "")
  if (length(x) == 1 && !inherits(x, "AsIs")) items else paste0("[", paste(items, collapse = ","), "]")
}
write_fixture <- function(file, what, cases) {
  body <- to_json(list(metadata = list(source = source_note(what), generated = generated), cases = cases))
  writeLines(body, file.path(out_dir, file))
  cat("wrote", file, length(cases), "cases\n")
}
num_or_null <- function(v) if (is.finite(v)) v else NA

# ---- proportions: prop.test(correct = FALSE) for z and p; the intervals invert that same test
# (score intervals): Mee / Farrington-Manning for p1 - p0 and Koopman / Miettinen-Nurminen (without
# the n/(n-1) factor) for p1/p0. Restricted MLEs: the ratio's by its closed-form quadratic, the
# difference's by uniroot() on the log-likelihood's derivative, checked against the closed-form
# cubic of Farrington & Manning (1990) where it is well conditioned; ends by uniroot().
mle_diff <- function(x0, n0, x1, n1, d) {
  lo <- max(0, -d); hi <- min(1, 1 - d)
  if (hi - lo < 1e-300) return(c(lo, lo + d))
  term <- function(x, den) if (x == 0) 0 else x / den
  g <- function(t) term(x0, t) - term(n0 - x0, 1 - t) + term(x1, t + d) - term(n1 - x1, 1 - t - d)
  eps <- 1e-13 * (hi - lo)
  t <- if (g(lo + eps) <= 0) lo else if (g(hi - eps) >= 0) hi else
    uniroot(g, c(lo + eps, hi - eps), tol = 1e-17, maxiter = 5000)$root
  # Farrington-Manning closed form (p1 = variant), where the cubic is well conditioned
  th <- n0 / n1; p1 <- x1 / n1; p0 <- x0 / n0
  a <- 1 + th; b <- -(1 + th + p1 + th * p0 + d * (th + 2))
  cc <- d^2 + d * (2 * p1 + th + 1) + p1 + th * p0; dd <- -p1 * d * (1 + d)
  v <- b^3 / (3 * a)^3 - b * cc / (6 * a^2) + dd / (2 * a)
  u <- sign(v) * sqrt(max(0, b^2 / (3 * a)^2 - cc / (3 * a)))
  if (abs(u) > 1e-3 && abs(v / u^3) < 1 - 1e-6) {
    w <- (pi + acos(v / u^3)) / 3
    fm <- 2 * u * cos(w) - b / (3 * a) - d
    if (abs(fm - t) > 1e-8) stop(sprintf("restricted MLE disagrees: %g vs %g", fm, t))
  }
  c(t, t + d)
}
mle_ratio <- function(x0, n0, x1, n1, r) {
  N <- n0 + n1; B <- n0 + x1 + r * (n1 + x0)
  if (r == 0) return(c(x0 / n0, 0))
  t <- (B - sqrt(B^2 - 4 * r * N * (x0 + x1))) / (2 * r * N)
  c(t, r * t)
}
score_z <- function(num, v) if (v > 0) num / sqrt(v) else if (num == 0) 0 else sign(num) * Inf
score_diff_ci <- function(n0, c0, n1, c1, q) {
  est <- c1 / n1 - c0 / n0
  f <- function(d) { p <- mle_diff(c0, n0, c1, n1, d); score_z(est - d, p[2] * (1 - p[2]) / n1 + p[1] * (1 - p[1]) / n0) }
  lower <- if (f(-1) - q <= 0) -1 else uniroot(function(d) f(d) - q, c(-1, est), tol = 1e-15, maxiter = 5000)$root
  upper <- if (f(1) + q >= 0) 1 else uniroot(function(d) f(d) + q, c(est, 1), tol = 1e-15, maxiter = 5000)$root
  c(lower, upper)
}
score_ratio_ci <- function(n0, c0, n1, c1, q) {
  p0 <- c0 / n0; p1 <- c1 / n1; est <- p1 / p0
  f <- function(r) { p <- mle_ratio(c0, n0, c1, n1, r); score_z(p1 - r * p0, p[2] * (1 - p[2]) / n1 + r^2 * p[1] * (1 - p[1]) / n0) }
  top <- max(2 * est, 1); while (f(top) + q >= 0) top <- top * 2
  lower <- if (f(0) - q <= 0) 0 else uniroot(function(r) f(r) - q, c(0, est), tol = 1e-15 * max(1, est), maxiter = 5000)$root
  upper <- uniroot(function(r) f(r) + q, c(est, top), tol = 1e-15 * top, maxiter = 5000)$root
  c(lower, upper)
}
prop_case <- function(name, n0, c0, n1, c1, alpha = 0.05, ci_alpha = alpha) {
  p0 <- c0 / n0; p1 <- c1 / n1; lift <- p1 - p0
  test <- suppressWarnings(prop.test(c(c1, c0), c(n1, n0), correct = FALSE))
  z <- if (is.finite(test$statistic)) sign(lift) * sqrt(unname(test$statistic)) else NA
  q <- qnorm(1 - ci_alpha / 2)
  defined <- is.finite(test$p.value)
  ci <- if (defined) I(score_diff_ci(n0, c0, n1, c1, q)) else NA
  rel <- NA; rel_ci <- NA
  if (p0 > 0) {
    rel <- p1 / p0 - 1
    if (defined) rel_ci <- I(score_ratio_ci(n0, c0, n1, c1, q) - 1)
  }
  list(name = name,
       input = list(control = list(users = n0, conversions = c0),
                    variant = list(users = n1, conversions = c1), alpha = alpha),
       expected = list(controlRate = p0, rate = p1, absoluteLift = lift, relativeLift = rel,
                       zScore = z, pValue = num_or_null(test$p.value), ci = ci, relativeCi = rel_ci))
}
write_fixture("proportions.json", "prop.test(correct = FALSE) for zScore/pValue; score intervals (Mee, Koopman) inverting it, restricted MLEs in closed form / uniroot, ends by uniroot",
  list(
    prop_case("typical SMS test, 2.0% vs 2.6%", 10000, 200, 10000, 260),
    prop_case("unequal arms", 4000, 120, 12000, 300),
    prop_case("alpha 0.01", 5000, 250, 5000, 300, alpha = 0.01),
    prop_case("variant with zero conversions", 800, 12, 750, 0),
    prop_case("zero baseline", 900, 0, 1000, 7),
    prop_case("zero conversions in both arms", 500, 0, 600, 0),
    prop_case("very large n", 5e6, 100000, 5e6, 101234),
    prop_case("tiny p-value", 1e6, 20000, 1e6, 23000),
    prop_case("issue 13: a falling arm near p = 0.067", 420, 30, 380, 15),
    prop_case("small counts, 3/50 vs 1/60", 50, 3, 60, 1),
    prop_case("one control conversion: a wide ratio", 100, 1, 100, 5),
    prop_case("rates near 1, 98% vs 99.2%", 2000, 1960, 2500, 2480),
    prop_case("all conversions in the variant", 300, 150, 200, 200),
    prop_case("unequal arms, pooled and unpooled tests disagree", 200, 2, 20000, 380)
  ))

# ---- Holm: p.adjust(method = "holm"), NA stays NA and is not counted
holm_case <- function(name, p) list(name = name, input = list(pValues = I(p)), expected = list(adjusted = I(p.adjust(p, "holm"))))
write_fixture("holm.json", "p.adjust(method = 'holm')", list(
  holm_case("two challengers", c(0.01, 0.04)),
  holm_case("several challengers, unsorted with ties", c(0.03, 0.001, 0.2, 0.03, 0.5)),
  holm_case("adjusted values capped at 1", c(0.6, 0.7, 0.9)),
  holm_case("single comparison unchanged", c(0.0123)),
  holm_case("missing p-value left out", c(0.02, NA, 0.01))
))

# ---- chi-square: omnibus independence (correct = FALSE) and SRM goodness of fit
omni_case <- function(name, users, conv) {
  t <- suppressWarnings(chisq.test(cbind(conv, users - conv), correct = FALSE))
  list(name = name, input = list(kind = "omnibus", arms = lapply(seq_along(users), function(i) list(users = users[i], conversions = conv[i]))),
       expected = list(chiSquare = num_or_null(unname(t$statistic)), df = unname(t$parameter), pValue = num_or_null(t$p.value)))
}
srm_case <- function(name, users, weights = NULL) {
  p <- if (is.null(weights)) rep(1 / length(users), length(users)) else weights / sum(weights)
  t <- chisq.test(users, p = p)
  input <- list(kind = "srm", users = I(users))
  if (!is.null(weights)) input$weights <- I(weights)
  list(name = name, input = input,
       expected = list(chiSquare = unname(t$statistic), pValue = t$p.value, mismatch = t$p.value < 0.001))
}
write_fixture("chi_square.json", "chisq.test(cbind(conv, users - conv), correct = FALSE); chisq.test(users, p = weights)", list(
  omni_case("omnibus, two arms", c(10000, 10000), c(200, 260)),
  omni_case("omnibus, four unequal arms", c(5000, 3000, 3000, 1200), c(100, 75, 51, 30)),
  omni_case("omnibus, one arm without conversions", c(800, 750, 900), c(12, 0, 15)),
  omni_case("omnibus, no conversions anywhere", c(800, 750), c(0, 0)),
  omni_case("omnibus, very large n", c(3e6, 3e6, 3e6), c(60000, 60500, 61200)),
  srm_case("srm, balanced 50/50", c(10050, 9950)),
  srm_case("srm, mismatch", c(10500, 9500)),
  srm_case("srm, weights 80/10/10", c(8100, 950, 1020), c(80, 10, 10)),
  srm_case("srm, very large n", c(5001000, 4999000)),
  srm_case("srm, five arms", c(2010, 1985, 2002, 1999, 2050))
))

# ---- Welch t-test from summaries: raw data with exact moments, t.test(variant, control)
set.seed(20240601)
exact_sample <- function(n, mean, sd) mean + sd * as.vector(scale(rnorm(n)))
exact_grid <- function(n, mean, sd) mean + sd * as.vector(scale(seq_len(n)))
welch_case <- function(name, control, variant, alpha = 0.05, form = "summary") {
  t <- t.test(variant, control, conf.level = 1 - alpha)
  arm <- function(x) if (form == "summary") list(n = length(x), mean = mean(x), sd = sd(x)) else
    list(n = length(x), sum = sum(x), sumSquares = sum(x^2))
  lift <- mean(variant) - mean(control)
  list(name = name, input = list(control = arm(control), variant = arm(variant), alpha = alpha),
       expected = list(absoluteLift = lift, relativeLift = if (mean(control) != 0) lift / abs(mean(control)) else NA,
                       tStatistic = unname(t$statistic), df = unname(t$parameter), pValue = t$p.value, ci = I(as.vector(t$conf.int))))
}
z <- rnorm(500)
write_fixture("means.json", "t.test(variant, control) (Welch) on generated raw data; inputs are that data's n, mean, sd (or sums)", list(
  welch_case("typical deposit amounts", exact_sample(400, 1000, 300), exact_sample(420, 1060, 320)),
  welch_case("unequal arms and variances", exact_sample(50, 20, 5), exact_sample(900, 22, 15)),
  welch_case("alpha 0.1, tiny arms", exact_sample(3, 5, 2), exact_sample(4, 7, 1), alpha = 0.1),
  welch_case("zero baseline mean", c(z, -z), exact_sample(1000, 0.1, 1)),
  welch_case("from sums", exact_sample(300, 50, 10), exact_sample(310, 52, 11), form = "sums"),
  welch_case("very large n", exact_sample(1e6, 100, 40), exact_sample(1.2e6, 100.1, 41)),
  # Negative means (net outflow), without drawing from the RNG so the cases after keep their data:
  # relative lift = lift / |control| (gbstats), so -10 -> -5 is +50 % and -10 -> -12 is -20 %.
  welch_case("negative baseline: net outflow -10 to -5", exact_grid(200, -10, 4), exact_grid(220, -5, 4)),
  welch_case("negative baseline getting worse: -10 to -12", exact_grid(300, -10, 3), exact_grid(300, -12, 3)),
  welch_case("negative control, positive variant", exact_grid(150, -2, 5), exact_grid(160, 3, 5), form = "sums")
))

# ---- CUPED: pooled theta over both arms, then Welch on y - theta (x - mean(x_all))
cuped_case <- function(name, n0, n1, effect, rho) {
  x0 <- rnorm(n0, 100, 20); x1 <- rnorm(n1, 100, 20)
  y0 <- 50 + rho * (x0 - 100) + rnorm(n0, 0, 10); y1 <- 50 + effect + rho * (x1 - 100) + rnorm(n1, 0, 10)
  x <- c(x0, x1); y <- c(y0, y1)
  theta <- cov(y, x) / var(x)
  a0 <- y0 - theta * (x0 - mean(x)); a1 <- y1 - theta * (x1 - mean(x))
  t <- t.test(a1, a0)
  sums <- function(y, x) list(n = length(y), sum = sum(y), sumSquares = sum(y^2), covariateSum = sum(x),
                              covariateSumSquares = sum(x^2), crossSum = sum(x * y))
  list(name = name, input = list(arms = list(sums(y0, x0), sums(y1, x1))),
       expected = list(theta = theta, means = I(c(mean(a0), mean(a1))), sds = I(c(sd(a0), sd(a1))),
                       tStatistic = unname(t$statistic), df = unname(t$parameter), pValue = t$p.value, ci = I(as.vector(t$conf.int))))
}
write_fixture("cuped.json", "theta = cov(y, x)/var(x) over both arms; t.test on y - theta*(x - mean(x)) (raw data generated in R)", list(
  cuped_case("strong covariate", 2000, 2000, 1, 0.8),
  cuped_case("unequal arms, weak covariate", 500, 1500, 0.5, 0.1)
))

# ---- sample size: power.prop.test (tol 1e-12), alpha / (k - 1) for k arms
power_case <- function(name, p1, p2, alpha = 0.05, power = 0.8, k = 2, mde = NULL, type = NULL) {
  n <- power.prop.test(p1 = p1, p2 = p2, sig.level = alpha / (k - 1), power = power, tol = 1e-12)$n
  input <- list(baselineRate = p1, variantRate = p2, alpha = alpha, power = power, variants = k)
  if (!is.null(mde)) { input$minimumDetectableEffect <- mde; input$effectType <- type }
  list(name = name, input = input, expected = list(n = n, perVariant = ceiling(n), total = ceiling(n) * k))
}
means_power_case <- function(name, sd, delta, alpha = 0.05, power = 0.8, k = 2) {
  n <- 2 * (qnorm(1 - alpha / (k - 1) / 2) + qnorm(power))^2 * sd^2 / delta^2
  list(name = name, input = list(kind = "means", sd = sd, minimumDetectableEffect = delta, alpha = alpha, power = power, variants = k),
       expected = list(n = n, perVariant = ceiling(n), total = ceiling(n) * k))
}
write_fixture("power.json", "power.prop.test(p1, p2, sig.level = alpha/(k-1), power, tol = 1e-12); means by 2(z_a + z_b)^2 sd^2/delta^2", list(
  power_case("SMS 2% baseline, +10% relative", 0.02, 0.022, mde = 0.1, type = "relative"),
  power_case("absolute +1 point from 10%", 0.10, 0.11, mde = 0.01, type = "absolute"),
  power_case("decrease, power 0.9", 0.30, 0.27, power = 0.9),
  power_case("four arms divide alpha by 3", 0.05, 0.06, k = 4),
  power_case("tiny effect needs very large n", 0.02, 0.0201),
  means_power_case("means, sd 300, delta 20", 300, 20),
  means_power_case("means, three arms", 50, 2, k = 3)
))

# ---- sequential: the PRODUCT.md formulas, written independently in R
seq_case <- function(name, lift, se, n, alpha = 0.05, tuning = 5000) {
  l <- -2 * log(alpha); rho <- sqrt((l + log(l + 1)) / tuning)
  s2 <- se^2 * n
  half <- sqrt(s2) * sqrt(2 * (n * rho^2 + 1) * log(sqrt(n * rho^2 + 1) / alpha) / (n * rho)^2)
  t2 <- lift^2 * n / se^2
  e <- exp(rho^2 * t2 / (2 * (n * rho^2 + 1))) / sqrt(n * rho^2 + 1)
  list(name = name, input = list(lift = lift, se = se, n = n, alpha = alpha, tuning = tuning),
       expected = list(rho = rho, halfWidth = half, pValue = min(1, 1 / e)))
}
write_fixture("sequential.json", "PRODUCT.md confidence-sequence formulas evaluated in R", list(
  seq_case("typical", 0.006, 0.0021, 20000),
  seq_case("small n, no evidence", 0.001, 0.01, 200),
  seq_case("tuning 20000, alpha 0.1", 0.004, 0.0015, 50000, alpha = 0.1, tuning = 20000),
  seq_case("very large n", 0.0004, 0.00009, 1e7)
))

# ---- whole proportions analysis (frequentist fields); Bayesian fields come from bayes.json checks
# The level of each challenger's intervals: its Holm step's alpha / (m - i + 1) while the steps
# reject, from the first step that does not on that step's level (lib/stats/holm.ts holmLevels).
holm_levels <- function(p, alpha) {
  o <- order(p); m <- sum(!is.na(p)); lev <- rep(NA_real_, length(p)); failed <- NA_real_
  for (i in seq_len(m)) {
    j <- o[i]
    if (is.na(failed) && !(min(1, (m - i + 1) * p[j]) < alpha)) failed <- alpha / (m - i + 1)
    lev[j] <- if (is.na(failed)) alpha / (m - i + 1) else failed
  }
  lev
}
analysis_case <- function(name, names, users, conv, alpha = 0.05, weights = NULL) {
  k <- length(users)
  first <- lapply(2:k, function(i) prop_case(names[i], users[1], conv[1], users[i], conv[i], alpha)$expected)
  p <- vapply(first, function(r) if (is.na(r$pValue)) NA_real_ else r$pValue, 0)
  adj <- p.adjust(p, "holm")
  lev <- holm_levels(p, alpha); lev[is.na(lev)] <- alpha
  rows <- lapply(2:k, function(i) prop_case(names[i], users[1], conv[1], users[i], conv[i], alpha, lev[i - 1])$expected)
  comparisons <- lapply(seq_along(rows), function(i) c(list(variant = names[i + 1]), rows[[i]],
    list(ciLevel = 1 - lev[i], adjustedPValue = adj[i], significant = !is.na(adj[i]) && adj[i] < alpha)))
  omni <- omni_case("", users, conv)$expected
  srm <- srm_case("", users, weights)$expected
  input <- list(variants = lapply(1:k, function(i) list(name = names[i], users = users[i], conversions = conv[i])), alpha = alpha)
  if (!is.null(weights)) input$weights <- I(weights)
  list(name = name, input = input,
       expected = list(control = names[1], alpha = alpha, srm = srm, omnibus = omni, comparisons = comparisons))
}
write_fixture("proportions_analysis.json", "prop.test, p.adjust(holm), chisq.test as above, per challenger; intervals at its Holm level", list(
  analysis_case("welcome SMS, control vs coupon", c("control", "coupon"), c(10000, 10000), c(200, 260)),
  analysis_case("three challengers, unequal arms", c("control", "coupon", "points", "cashback"),
                c(6000, 2000, 2000, 2000), c(120, 52, 41, 60), weights = c(60, 20, 20, 20)),
  analysis_case("zero baseline", c("control", "push"), c(900, 1000), c(0, 7)),
  analysis_case("sample-ratio mismatch", c("control", "banner"), c(10500, 9500), c(210, 200)),
  analysis_case("very large n, alpha 0.01", c("control", "a", "b"), c(3e6, 3e6, 3e6), c(60000, 60500, 61200), alpha = 0.01),
  analysis_case("Holm: the second step fails, so later arms keep its level (p = 0.047 is not significant)", c("control", "a", "b", "c"),
                c(5000, 5000, 5000, 5000), c(250, 310, 297, 295))
))
