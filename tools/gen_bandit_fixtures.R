#!/usr/bin/env Rscript
# Reference fixtures for lib/experiments/bandit.ts from base R: probability of being best by
# integrate() of dbeta_i * prod_j pbeta_j, the reweighting rule of PRODUCT.md with arms under 1 %
# cut to the floor, and chisq.test(x, p = weights) for the sample-ratio check per period.
# Run from the repository root:  Rscript tools/gen_bandit_fixtures.R
# Writes lib/experiments/testdata/bandit.json. Deterministic. No packages beyond base R.

source_note <- paste0("tools/gen_bandit_fixtures.R (", R.version.string, ")")

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

# P(arm i has the highest rate) under Beta(1 + c, 1 + n - c) posteriors, integrated piecewise
# over the bulk of arm i's posterior (50 sd either side), fine enough for 1e-9.
probability_best <- function(users, conversions) {
  a <- 1 + conversions
  b <- 1 + users - conversions
  sapply(seq_along(users), function(i) {
    m <- a[i] / (a[i] + b[i])
    s <- sqrt(a[i] * b[i] / ((a[i] + b[i])^2 * (a[i] + b[i] + 1)))
    edges <- seq(max(0, m - 50 * s), min(1, m + 50 * s), length.out = 201)
    f <- function(x) {
      out <- dbeta(x, a[i], b[i])
      for (j in seq_along(users)) if (j != i) out <- out * pbeta(x, a[j], b[j])
      out
    }
    total <- 0
    for (k in seq_len(length(edges) - 1)) {
      total <- total + integrate(f, edges[k], edges[k + 1], rel.tol = 1e-12, abs.tol = 0)$value
    }
    total
  })
}

reweight <- function(users, conversions, min_share, burn_in = 100, cut_below = 0.01) {
  p <- probability_best(users, conversions)
  k <- length(users)
  if (any(users < burn_in)) {
    return(list(ready = FALSE, probabilityBest = I(p), weights = I(rep(1 / k, k)),
                cut = I(rep(FALSE, k))))
  }
  cut <- p < cut_below
  kept <- sum(p[!cut])
  w <- ifelse(cut, min_share, min_share + (1 - k * min_share) * p / kept)
  list(ready = TRUE, probabilityBest = I(p), weights = I(w), cut = I(cut))
}

arms <- function(users, conversions) {
  lapply(seq_along(users), function(i) list(name = paste0("arm", i), users = users[i],
                                            conversions = conversions[i]))
}

reweight_cases <- list(
  list("before burn-in: equal weights", c(99, 400, 400), c(5, 20, 30), 0.01),
  list("two close arms", c(1000, 1000), c(50, 58), 0.01),
  list("a hopeless arm is cut to the floor", c(2000, 2000, 2000), c(100, 160, 40), 0.01),
  list("one arm cut, two share the rest", c(2000, 2000, 2000), c(100, 112, 60), 0.01),
  list("two arms cut, floor 5 %", c(3000, 3000, 3000, 3000), c(90, 150, 95, 210), 0.05),
  list("no floor", c(500, 500, 500), c(20, 30, 25), 0),
  list("identical arms", c(400, 400, 400, 400), c(20, 20, 20, 20), 0.02)
)
reweights <- lapply(reweight_cases, function(case) {
  list(name = case[[1]],
       input = list(arms = arms(case[[2]], case[[3]]), minShare = case[[4]]),
       expected = reweight(case[[2]], case[[3]], case[[4]]))
})

srm_cases <- list(
  list("split as weighted", c(0.2, 0.5, 0.3), c(198, 507, 295)),
  list("a broken period", c(0.5, 0.5), c(1200, 1000)),
  list("floor arms", c(0.01, 0.98, 0.01), c(14, 980, 6))
)
srms <- lapply(srm_cases, function(case) {
  test <- suppressWarnings(chisq.test(case[[3]], p = case[[2]]))
  list(name = case[[1]], input = list(weights = I(case[[2]]), users = I(case[[3]])),
       expected = list(chiSquare = unname(test$statistic), pValue = test$p.value,
                       mismatch = test$p.value < 0.001))
})

out <- list(source = source_note, reweight = reweights, srm = srms)
writeLines(to_json(out), "lib/experiments/testdata/bandit.json")
