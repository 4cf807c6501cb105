import type { PbLocale } from './format.js';

/** Interface text of the components, one entry per locale. */
export interface Messages {
  loading: string;
  empty: string;
  error: string;
  retry: string;
  /** Accessible name of a column's resize handle; `{column}` is the column label. */
  resizeColumn: string;
  riskLow: string;
  riskMedium: string;
  riskHigh: string;
}

const MESSAGES: Record<PbLocale, Messages> = {
  en: {
    loading: 'Loading…',
    empty: 'No players to show',
    error: 'The data could not be loaded',
    retry: 'Retry',
    resizeColumn: 'Resize column {column}',
    riskLow: 'Low',
    riskMedium: 'Medium',
    riskHigh: 'High',
  },
  'pt-BR': {
    loading: 'Carregando…',
    empty: 'Nenhum jogador para mostrar',
    error: 'Não foi possível carregar os dados',
    retry: 'Tentar novamente',
    resizeColumn: 'Redimensionar coluna {column}',
    riskLow: 'Baixo',
    riskMedium: 'Médio',
    riskHigh: 'Alto',
  },
  es: {
    loading: 'Cargando…',
    empty: 'No hay jugadores para mostrar',
    error: 'No se pudieron cargar los datos',
    retry: 'Reintentar',
    resizeColumn: 'Redimensionar columna {column}',
    riskLow: 'Bajo',
    riskMedium: 'Medio',
    riskHigh: 'Alto',
  },
};

/** The interface text for a locale. */
export function messages(locale: PbLocale): Messages {
  return MESSAGES[locale];
}
