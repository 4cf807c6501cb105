import type { EventType } from '@pitboss/core';
import type { RgInteractionInput } from '@pitboss/sdk';
import type { PbLocale } from '../shared/format.js';

type Level = RgInteractionInput['level'];
type Channel = RgInteractionInput['channel'];
type Action = RgInteractionInput['action'];
type Outcome = RgInteractionInput['outcome'];

/** Interface text of `<pb-player-card>`. */
export interface PlayerCardMessages {
  /** `{id}` */
  title: string;
  loading: string;
  error: string;
  retry: string;
  profile: string;
  playerId: string;
  name: string;
  email: string;
  phone: string;
  country: string;
  currency: string;
  brand: string;
  registered: string;
  lastActivity: string;
  status: string;
  statusActive: string;
  statusBlocked: string;
  /** `{date}` */
  statusExcludedUntil: string;
  statusExcludedIndefinitely: string;
  masked: string;
  maskedHint: string;
  none: string;
  risk: string;
  figures: string;
  /** `{days}` */
  figuresPeriod: string;
  deposits: string;
  netLoss: string;
  ggr: string;
  noFigures: string;
  /** Accessible name of a sparkline: `{figure}`, `{days}`, `{total}`. */
  sparkline: string;
  timeline: string;
  noEvents: string;
  loadingMore: string;
  notes: string;
  noNotes: string;
  addNote: string;
  noteLabel: string;
  saveNote: string;
  saving: string;
  /** `{author}`, `{date}` */
  noteBy: string;
  interactions: string;
  noInteractions: string;
  addInteraction: string;
  level: string;
  channel: string;
  action: string;
  outcome: string;
  interactionNote: string;
  saveInteraction: string;
  readOnly: string;
  saveFailed: string;
  live: string;
  liveOff: string;
  eventTypes: Record<EventType, string>;
  levels: Record<Level, string>;
  channels: Record<Channel, string>;
  actions: Record<Action, string>;
  outcomes: Record<Outcome, string>;
  /** Payment directions and statuses, bet results, as the timeline shows them. */
  terms: Record<PaymentTerm, string>;
}

/** Values of payment and bet events the timeline translates; other values are shown as sent. */
export type PaymentTerm =
  | 'deposit' | 'withdrawal' | 'requested' | 'approved' | 'rejected' | 'cancelled' | 'rolled_back'
  | 'won' | 'lost' | 'void' | 'half_won' | 'half_lost' | 'cashed_out';

const MESSAGES: Record<PbLocale, PlayerCardMessages> = {
  en: {
    title: 'Player {id}',
    loading: 'Loading player…',
    error: 'The player could not be loaded',
    retry: 'Retry',
    profile: 'Profile',
    playerId: 'Player ID',
    name: 'Name',
    email: 'Email',
    phone: 'Phone',
    country: 'Country',
    currency: 'Currency',
    brand: 'Brand',
    registered: 'Registered',
    lastActivity: 'Last activity',
    status: 'Status',
    statusActive: 'Active',
    statusBlocked: 'Blocked',
    statusExcludedUntil: 'Self-excluded until {date}',
    statusExcludedIndefinitely: 'Self-excluded indefinitely',
    masked: 'masked',
    maskedHint: 'Hidden for your role',
    none: '—',
    risk: 'Risk',
    figures: 'Key figures',
    figuresPeriod: 'Last {days} days',
    deposits: 'Deposits',
    netLoss: 'Net loss',
    ggr: 'GGR',
    noFigures: 'No deposits or bets in this period',
    sparkline: '{figure} per day over {days} days, total {total}',
    timeline: 'Recent activity',
    noEvents: 'No events yet',
    loadingMore: 'Loading older events…',
    notes: 'Notes',
    noNotes: 'No notes yet',
    addNote: 'Add a note',
    noteLabel: 'Note',
    saveNote: 'Save note',
    saving: 'Saving…',
    noteBy: '{author}, {date}',
    interactions: 'Responsible gambling interactions',
    noInteractions: 'No interactions recorded',
    addInteraction: 'Record an interaction',
    level: 'Level',
    channel: 'Channel',
    action: 'Action',
    outcome: 'Outcome',
    interactionNote: 'Note (optional)',
    saveInteraction: 'Record interaction',
    readOnly: 'Your role can read this player but not add notes or interactions.',
    saveFailed: 'Could not save',
    live: 'Live',
    liveOff: 'Live updates stopped',
    eventTypes: {
      'player.updated': 'Profile updated', 'bet.placed': 'Bet placed', 'bet.settled': 'Bet settled', 'casino.round': 'Casino round',
      payment: 'Payment', 'session.started': 'Session started', 'session.ended': 'Session ended', 'limit.changed': 'Limit changed',
      'exclusion.started': 'Exclusion started', 'rg.interaction': 'RG interaction', 'bonus.granted': 'Bonus granted',
      'bonus.wagered': 'Bonus wagered', 'bonus.forfeited': 'Bonus forfeited',
    },
    levels: { low: 'Low', medium: 'Medium', high: 'High' },
    channels: { email: 'Email', phone: 'Phone', chat: 'Chat', in_app: 'In app', letter: 'Letter', in_person: 'In person' },
    actions: {
      information: 'Information', limit_suggested: 'Limit suggested', cooling_off_suggested: 'Cooling-off suggested',
      self_exclusion_suggested: 'Self-exclusion suggested', account_restricted: 'Account restricted', affordability_check: 'Affordability check',
    },
    outcomes: { acknowledged: 'Acknowledged', accepted: 'Accepted', declined: 'Declined', no_response: 'No response', escalated: 'Escalated' },
    terms: {
      deposit: 'Deposit', withdrawal: 'Withdrawal', requested: 'requested', approved: 'approved', rejected: 'rejected', cancelled: 'cancelled',
      rolled_back: 'rolled back', won: 'Won', lost: 'Lost', void: 'Void', half_won: 'Half won', half_lost: 'Half lost', cashed_out: 'Cashed out',
    },
  },
  'pt-BR': {
    title: 'Jogador {id}',
    loading: 'Carregando jogador…',
    error: 'Não foi possível carregar o jogador',
    retry: 'Tentar novamente',
    profile: 'Perfil',
    playerId: 'ID do jogador',
    name: 'Nome',
    email: 'E-mail',
    phone: 'Telefone',
    country: 'País',
    currency: 'Moeda',
    brand: 'Marca',
    registered: 'Cadastro',
    lastActivity: 'Última atividade',
    status: 'Situação',
    statusActive: 'Ativo',
    statusBlocked: 'Bloqueado',
    statusExcludedUntil: 'Autoexcluído até {date}',
    statusExcludedIndefinitely: 'Autoexcluído por tempo indeterminado',
    masked: 'oculto',
    maskedHint: 'Oculto para o seu perfil de acesso',
    none: '—',
    risk: 'Risco',
    figures: 'Números principais',
    figuresPeriod: 'Últimos {days} dias',
    deposits: 'Depósitos',
    netLoss: 'Perda líquida',
    ggr: 'GGR',
    noFigures: 'Nenhum depósito ou aposta neste período',
    sparkline: '{figure} por dia em {days} dias, total {total}',
    timeline: 'Atividade recente',
    noEvents: 'Nenhum evento ainda',
    loadingMore: 'Carregando eventos anteriores…',
    notes: 'Anotações',
    noNotes: 'Nenhuma anotação ainda',
    addNote: 'Adicionar anotação',
    noteLabel: 'Anotação',
    saveNote: 'Salvar anotação',
    saving: 'Salvando…',
    noteBy: '{author}, {date}',
    interactions: 'Interações de jogo responsável',
    noInteractions: 'Nenhuma interação registrada',
    addInteraction: 'Registrar interação',
    level: 'Nível',
    channel: 'Canal',
    action: 'Ação',
    outcome: 'Resultado',
    interactionNote: 'Anotação (opcional)',
    saveInteraction: 'Registrar interação',
    readOnly: 'Seu perfil pode ver este jogador, mas não adicionar anotações ou interações.',
    saveFailed: 'Não foi possível salvar',
    live: 'Ao vivo',
    liveOff: 'Atualizações ao vivo interrompidas',
    eventTypes: {
      'player.updated': 'Perfil atualizado', 'bet.placed': 'Aposta feita', 'bet.settled': 'Aposta liquidada', 'casino.round': 'Rodada de cassino',
      payment: 'Pagamento', 'session.started': 'Sessão iniciada', 'session.ended': 'Sessão encerrada', 'limit.changed': 'Limite alterado',
      'exclusion.started': 'Exclusão iniciada', 'rg.interaction': 'Interação de JR', 'bonus.granted': 'Bônus concedido',
      'bonus.wagered': 'Bônus apostado', 'bonus.forfeited': 'Bônus perdido',
    },
    levels: { low: 'Baixo', medium: 'Médio', high: 'Alto' },
    channels: { email: 'E-mail', phone: 'Telefone', chat: 'Chat', in_app: 'No app', letter: 'Carta', in_person: 'Presencial' },
    actions: {
      information: 'Informação', limit_suggested: 'Limite sugerido', cooling_off_suggested: 'Pausa sugerida',
      self_exclusion_suggested: 'Autoexclusão sugerida', account_restricted: 'Conta restringida', affordability_check: 'Verificação de capacidade financeira',
    },
    outcomes: { acknowledged: 'Ciente', accepted: 'Aceito', declined: 'Recusado', no_response: 'Sem resposta', escalated: 'Escalado' },
    terms: {
      deposit: 'Depósito', withdrawal: 'Saque', requested: 'solicitado', approved: 'aprovado', rejected: 'recusado', cancelled: 'cancelado',
      rolled_back: 'estornado', won: 'Ganha', lost: 'Perdida', void: 'Anulada', half_won: 'Meio ganha', half_lost: 'Meio perdida', cashed_out: 'Cash out',
    },
  },
  es: {
    title: 'Jugador {id}',
    loading: 'Cargando jugador…',
    error: 'No se pudo cargar el jugador',
    retry: 'Reintentar',
    profile: 'Perfil',
    playerId: 'ID del jugador',
    name: 'Nombre',
    email: 'Correo',
    phone: 'Teléfono',
    country: 'País',
    currency: 'Moneda',
    brand: 'Marca',
    registered: 'Registro',
    lastActivity: 'Última actividad',
    status: 'Estado',
    statusActive: 'Activo',
    statusBlocked: 'Bloqueado',
    statusExcludedUntil: 'Autoexcluido hasta {date}',
    statusExcludedIndefinitely: 'Autoexcluido indefinidamente',
    masked: 'oculto',
    maskedHint: 'Oculto para su rol',
    none: '—',
    risk: 'Riesgo',
    figures: 'Cifras clave',
    figuresPeriod: 'Últimos {days} días',
    deposits: 'Depósitos',
    netLoss: 'Pérdida neta',
    ggr: 'GGR',
    noFigures: 'Sin depósitos ni apuestas en este periodo',
    sparkline: '{figure} por día durante {days} días, total {total}',
    timeline: 'Actividad reciente',
    noEvents: 'Aún no hay eventos',
    loadingMore: 'Cargando eventos anteriores…',
    notes: 'Notas',
    noNotes: 'Aún no hay notas',
    addNote: 'Añadir una nota',
    noteLabel: 'Nota',
    saveNote: 'Guardar nota',
    saving: 'Guardando…',
    noteBy: '{author}, {date}',
    interactions: 'Interacciones de juego responsable',
    noInteractions: 'No hay interacciones registradas',
    addInteraction: 'Registrar una interacción',
    level: 'Nivel',
    channel: 'Canal',
    action: 'Acción',
    outcome: 'Resultado',
    interactionNote: 'Nota (opcional)',
    saveInteraction: 'Registrar interacción',
    readOnly: 'Su rol puede ver este jugador, pero no añadir notas ni interacciones.',
    saveFailed: 'No se pudo guardar',
    live: 'En vivo',
    liveOff: 'Actualizaciones en vivo detenidas',
    eventTypes: {
      'player.updated': 'Perfil actualizado', 'bet.placed': 'Apuesta realizada', 'bet.settled': 'Apuesta liquidada', 'casino.round': 'Ronda de casino',
      payment: 'Pago', 'session.started': 'Sesión iniciada', 'session.ended': 'Sesión finalizada', 'limit.changed': 'Límite cambiado',
      'exclusion.started': 'Exclusión iniciada', 'rg.interaction': 'Interacción de JR', 'bonus.granted': 'Bono concedido',
      'bonus.wagered': 'Bono apostado', 'bonus.forfeited': 'Bono perdido',
    },
    levels: { low: 'Bajo', medium: 'Medio', high: 'Alto' },
    channels: { email: 'Correo', phone: 'Teléfono', chat: 'Chat', in_app: 'En la app', letter: 'Carta', in_person: 'En persona' },
    actions: {
      information: 'Información', limit_suggested: 'Límite sugerido', cooling_off_suggested: 'Pausa sugerida',
      self_exclusion_suggested: 'Autoexclusión sugerida', account_restricted: 'Cuenta restringida', affordability_check: 'Control de asequibilidad',
    },
    outcomes: { acknowledged: 'Informado', accepted: 'Aceptado', declined: 'Rechazado', no_response: 'Sin respuesta', escalated: 'Escalado' },
    terms: {
      deposit: 'Depósito', withdrawal: 'Retiro', requested: 'solicitado', approved: 'aprobado', rejected: 'rechazado', cancelled: 'cancelado',
      rolled_back: 'revertido', won: 'Ganada', lost: 'Perdida', void: 'Anulada', half_won: 'Medio ganada', half_lost: 'Medio perdida', cashed_out: 'Cobrada anticipadamente',
    },
  },
};

/** The card's interface text for a locale. */
export function playerCardMessages(locale: PbLocale): PlayerCardMessages {
  return MESSAGES[locale];
}

export const LEVELS: readonly Level[] = ['low', 'medium', 'high'];
export const CHANNELS: readonly Channel[] = ['email', 'phone', 'chat', 'in_app', 'letter', 'in_person'];
export const ACTIONS: readonly Action[] = ['information', 'limit_suggested', 'cooling_off_suggested', 'self_exclusion_suggested', 'account_restricted', 'affordability_check'];
export const OUTCOMES: readonly Outcome[] = ['acknowledged', 'accepted', 'declined', 'no_response', 'escalated'];
