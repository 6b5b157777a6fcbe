import type { ComponentChildren } from "preact";

/** One column: its header and what a row shows in it. */
export interface Column<T> {
  header: ComponentChildren;
  cell: (row: T) => ComponentChildren;
  /** Figures: right-aligned (`class="num"`) in the header and the cells. */
  numeric?: boolean;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  /** A row's `key` (and nothing else); the index when absent. */
  rowKey?: (row: T, index: number) => string | number;
  /** Attributes of a row's `<tr>` (`data-*` for tests and scripts). */
  rowProps?: (row: T) => Record<string, string>;
  /** Extra classes after `data`. */
  class?: string;
  testid?: string;
}

/**
 * The app's data table (`table.data`): a header row of column heads, then one row per item. A
 * cell under a text header carries it as `data-label` (narrow screens label cells with it).
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, rowProps } = props;
  return (
    <table class={props.class ? `data ${props.class}` : "data"} data-testid={props.testid}>
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th key={i} scope="col" class={column.numeric ? "num" : undefined}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={rowKey ? rowKey(row, r) : r} {...(rowProps?.(row) ?? {})}>
            {columns.map((column, i) => (
              <td
                key={i}
                class={column.numeric ? "num" : undefined}
                data-label={typeof column.header === "string" ? column.header : undefined}
              >
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
