// What <pb-sql-console> needs once a statement runs or an export loads, and
// not before: the result runner (temporary tables, windowed DuckDB or Arrow
// results, the sdk's data sources), the formatting of result values, where an
// error points in the editor and its mark there, and the export download.
// The console imports this module with import() on its first run or load (as
// it opens DuckDB), so a page that shows the editor does not download it up
// front.
export { ResultRunner } from './engine.js';
export { formatResultValue, isNumericColumn } from './result-format.js';
export { describeSqlError, errorBackdrop } from './sql-error.js';
export { downloadExport } from './export-loader.js';
