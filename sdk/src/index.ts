export type { DataSource, DataQuery, DataSourceChange, RowBase, SortSpec } from './datasource.js';
export { throwIfAborted } from './datasource.js';
export { MemoryDataSource } from './memory-datasource.js';
export type { RowPredicate } from './memory-datasource.js';
export { GeneratedDataSource, type GeneratedDataSourceOptions } from './generated-datasource.js';
