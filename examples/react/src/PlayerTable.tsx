import { useEffect, useRef } from 'react';
import { definePlayerTable } from '@pitboss/components';
import type { PbColumn, PbPlayerTable, PbRowActivateEvent, PbSelectionChangeEvent } from '@pitboss/components';
import type { DataSource, PlayerRow, SortSpec } from '@pitboss/sdk';

definePlayerTable();

// The tag as JSX knows it: attributes only; data goes in through properties (below).
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'pb-player-table': React.DetailedHTMLProps<React.HTMLAttributes<HTMLElement>, HTMLElement> & {
        label?: string;
        locale?: 'en' | 'pt-BR' | 'es';
        theme?: 'light' | 'dark' | 'auto';
        'selection-mode'?: 'none' | 'single' | 'multi';
      };
    }
  }
}

export interface PlayerTableProps {
  dataSource: DataSource<PlayerRow>;
  columns: readonly PbColumn<PlayerRow>[];
  sort?: readonly SortSpec[];
  label: string;
  selectionMode?: 'none' | 'single' | 'multi';
  theme?: 'light' | 'dark' | 'auto';
  onRowActivate?: (row: PlayerRow, index: number) => void;
  onSelectionChange?: (selectedIds: readonly string[]) => void;
}

/**
 * `<pb-player-table>` as a React component: objects (data source, columns,
 * sort) are set as properties through a ref, and the `pb-*` events become
 * callback props.
 */
export function PlayerTable({ dataSource, columns, sort, label, selectionMode = 'multi', theme = 'light', onRowActivate, onSelectionChange }: PlayerTableProps) {
  const ref = useRef<PbPlayerTable<PlayerRow>>(null);

  useEffect(() => {
    const table = ref.current!;
    table.columns = columns;
    if (sort) table.sort = sort;
    table.dataSource = dataSource;
  }, [dataSource, columns, sort]);

  useEffect(() => {
    const table = ref.current!;
    const activate = (e: PbRowActivateEvent) => onRowActivate?.(e.detail.row as PlayerRow, e.detail.index);
    const select = (e: PbSelectionChangeEvent) => onSelectionChange?.(e.detail.selectedIds);
    table.addEventListener('pb-row-activate', activate);
    table.addEventListener('pb-selection-change', select);
    return () => {
      table.removeEventListener('pb-row-activate', activate);
      table.removeEventListener('pb-selection-change', select);
    };
  }, [onRowActivate, onSelectionChange]);

  return <pb-player-table ref={ref} label={label} selection-mode={selectionMode} theme={theme} />;
}
