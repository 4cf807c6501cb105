import type { RowBase } from '@pitboss/sdk';
import type { Formatter } from '../shared/format.js';

/** Built-in cell formats. */
export type ColumnFormat = 'text' | 'number' | 'money' | 'percent' | 'date' | 'datetime' | 'risk';

/** Risk bands of a 0-100 score, as the risk gauge shows them. */
export type RiskBand = 'low' | 'medium' | 'high';

/** One column of `<pb-player-table>`. */
export interface PbColumn<R extends RowBase = RowBase> {
  /** Field of the row shown in the column; also the sort key passed to the DataSource. */
  key: string;
  /** Header text. */
  label: string;
  /** How the value is formatted; default `'text'`. */
  format?: ColumnFormat;
  /** Initial width in px; default 160. */
  width?: number;
  /** Smallest width resizing allows, in px; default 48. */
  minWidth?: number;
  /** Horizontal alignment; numbers, money and percentages default to `'end'`. */
  align?: 'start' | 'center' | 'end';
  /** For `'money'`: an ISO 4217 code, or a function of the row; default the row's `currency` field. */
  currency?: string | ((row: R) => string);
  /** For `'date'`/`'datetime'`: an IANA time zone; default the browser's. */
  timeZone?: string;
  /** Set false to keep a column unsortable even when the DataSource could sort it. */
  sortable?: boolean;
  /** Reads the cell value; default `row[key]`. */
  value?: (row: R) => unknown;
  /** Formats the cell to text, replacing the built-in format. The result is always rendered as text. */
  formatter?: (value: unknown, row: R, format: Formatter) => string;
}

/** Risk band of a 0-100 score. */
export function riskBand(score: number): RiskBand {
  return score >= 70 ? 'high' : score >= 40 ? 'medium' : 'low';
}

/** The value a column shows for a row. */
export function cellValue<R extends RowBase>(column: PbColumn<R>, row: R): unknown {
  return column.value ? column.value(row) : (row as unknown as Record<string, unknown>)[column.key];
}

/** Default alignment for a format. */
export function columnAlign(column: PbColumn<never>): 'start' | 'center' | 'end' {
  if (column.align) return column.align;
  return column.format === 'number' || column.format === 'money' || column.format === 'percent' || column.format === 'risk' ? 'end' : 'start';
}

/**
 * Formats one cell as text. Values of the wrong type for the format (e.g. a
 * non-integer amount of minor units) are shown as their plain text rather than
 * breaking the row.
 */
export function formatCell<R extends RowBase>(column: PbColumn<R>, row: R, fmt: Formatter): string {
  const value = cellValue(column, row);
  if (column.formatter) return column.formatter(value, row, fmt);
  if (value === null || value === undefined) return '';
  switch (column.format ?? 'text') {
    case 'number':
      return typeof value === 'number' ? fmt.number(value) : String(value);
    case 'percent':
      return typeof value === 'number' ? fmt.percent(value) : String(value);
    case 'risk':
      return typeof value === 'number' ? fmt.number(value, 0) : String(value);
    case 'money': {
      const currency = typeof column.currency === 'function' ? column.currency(row) : column.currency ?? (row as unknown as Record<string, unknown>)['currency'];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || typeof currency !== 'string') return String(value);
      try {
        return fmt.money(value, currency);
      } catch (error) {
        // An unknown currency code is bad data in one row, not a reason to break the table.
        if (error instanceof RangeError) return `${value} ${currency}`;
        throw error;
      }
    }
    case 'date':
    case 'datetime':
      if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) {
        return fmt.date(value, column.format === 'datetime' ? 'datetime' : 'date', column.timeZone) || String(value);
      }
      return String(value);
    case 'text':
      return String(value);
  }
}
