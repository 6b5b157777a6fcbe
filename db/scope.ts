import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import { sql } from "kysely";
import type { Scope } from "../lib/scope.ts";

/**
 * A where-clause that keeps only rows of the banks in `scope`: use as
 * `.where((eb) => inBankScope(eb, "campaigns.bank_id", scope))`.
 */
export function inBankScope<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  column: string,
  scope: Scope,
): Expression<SqlBool> {
  if (scope.all) return sql<SqlBool>`true`;
  if (scope.bankIds.length === 0) return sql<SqlBool>`false`;
  // deno-lint-ignore no-explicit-any
  return eb(eb.ref(column as any), "in", scope.bankIds as any);
}
