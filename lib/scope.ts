/**
 * Which banks a caller may see. Every repository function for bank-owned data takes a scope and
 * filters by it, so a row of another bank is never read, and looks like it does not exist.
 */
export type Scope = { readonly all: true } | {
  readonly all: false;
  readonly bankIds: readonly string[];
};

export const EVERY_BANK: Scope = { all: true };

export function bankScope(...bankIds: string[]): Scope {
  return { all: false, bankIds };
}

export function inScope(scope: Scope, bankId: string): boolean {
  return scope.all || scope.bankIds.includes(bankId);
}
