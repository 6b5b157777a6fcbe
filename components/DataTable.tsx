import { type ComponentChildren, Fragment } from "preact";

/** One column: its header and what a row shows in it. */
export interface Column<T> {
  header: ComponentChildren;
  cell: (row: T) => ComponentChildren;
  /** Figures: right-aligned (`class="num"`) in the header and the cells. */
  numeric?: boolean;
  /** The row's header: cells are `<th scope="row">` instead of `<td>`. */
  rowHeader?: boolean;
  /** Extra classes on the column's header and cells (after `num`). */
  class?: string;
  /** Further attributes of a row's cell (`data-*`, `class` added to the column's). */
  cellProps?: (row: T) => Record<string, string | undefined>;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: readonly T[];
  /** A row's `key` (and nothing else); the index when absent. */
  rowKey?: (row: T, index: number) => string | number;
  /** Attributes of a row's `<tr>` (`data-*` for tests and scripts). */
  rowProps?: (row: T) => Record<string, string | undefined>;
  /**
   * A detail row after a row's own, one cell across every column (nothing when it returns
   * null, undefined or false), with `detailProps` as its `<tr>`'s attributes.
   */
  detail?: (row: T) => ComponentChildren;
  detailProps?: (row: T) => Record<string, string | undefined>;
  /** Extra classes after `data`. */
  class?: string;
  testid?: string;
}

/**
 * The app's data table (`table.data`): a header row of column heads, then one row per item. A
 * cell under a non-empty text header carries it as `data-label` (narrow screens label cells
 * with it). A column may be the rows' headers (`rowHeader`) and add classes or attributes.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, rowKey, rowProps } = props;
  const classes = (...names: (string | undefined)[]) =>
    names.filter(Boolean).join(" ") || undefined;
  return (
    <table class={props.class ? `data ${props.class}` : "data"} data-testid={props.testid}>
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th
              key={i}
              scope="col"
              class={classes(column.numeric ? "num" : undefined, column.class)}
            >
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => {
          const key = rowKey ? rowKey(row, r) : r;
          const own = (
            <tr key={key} {...(rowProps?.(row) ?? {})}>
              {columns.map((column, i) => {
                const { class: extra, ...more } = column.cellProps?.(row) ?? {};
                const attributes = {
                  class: classes(column.numeric ? "num" : undefined, column.class, extra),
                  "data-label": typeof column.header === "string" && column.header !== ""
                    ? column.header
                    : undefined,
                  ...more,
                };
                return column.rowHeader
                  ? <th key={i} scope="row" {...attributes}>{column.cell(row)}</th>
                  : <td key={i} {...attributes}>{column.cell(row)}</td>;
              })}
            </tr>
          );
          const detail = props.detail?.(row);
          if (detail === null || detail === undefined || detail === false) return own;
          return (
            <Fragment key={key}>
              {own}
              <tr {...(props.detailProps?.(row) ?? {})}>
                <td colSpan={columns.length}>{detail}</td>
              </tr>
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
