import { StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { PbColumn } from '@pitboss/components';
import { PitbossClient, RemotePlayerDataSource, embedToken } from '@pitboss/sdk';
import type { PlayerRow, SortSpec } from '@pitboss/sdk';
import { PlayerTable } from './PlayerTable.js';

const columns: PbColumn<PlayerRow>[] = [
  { key: 'player_id', label: 'Player', width: 200 },
  { key: 'country', label: 'Country', width: 90 },
  { key: 'deposit_sum_30d', label: 'Deposits 30d', format: 'money', value: (row) => row.features['deposit_sum_30d'] },
  { key: 'last_event_at', label: 'Last event', format: 'datetime' },
];
const sort: SortSpec[] = [{ key: 'player_id', direction: 'asc' }];

function App({ client }: { client: PitbossClient }) {
  // One data source for the life of the page: a new one would refetch everything.
  const dataSource = useMemo(() => new RemotePlayerDataSource(client), [client]);
  const [selected, setSelected] = useState<readonly string[]>([]);
  const [opened, setOpened] = useState<PlayerRow | null>(null);

  return (
    <div className="layout">
      <PlayerTable
        dataSource={dataSource}
        columns={columns}
        sort={sort}
        label="Players"
        selectionMode="single"
        onSelectionChange={setSelected}
        onRowActivate={(row) => setOpened(row)}
      />
      <aside aria-label="Player">
        <p data-testid="selected">{selected.length ? `Selected: ${selected.join(', ')}` : 'Nothing selected'}</p>
        {opened ? (
          <dl data-testid="opened">
            <dt>Player</dt><dd>{opened.player_id}</dd>
            <dt>Country</dt><dd>{opened.country ?? '—'}</dd>
          </dl>
        ) : (
          <p>Double-click a row (or press Enter) to open it.</p>
        )}
      </aside>
    </div>
  );
}

// The API's address and embed tokens come from the page's own server, which holds the API key.
const { apiUrl } = (await (await fetch('/backoffice/pitboss-config')).json()) as { apiUrl: string };
const client = new PitbossClient({
  baseUrl: apiUrl,
  auth: embedToken({
    fetchToken: async (signal) => {
      const res = await fetch('/backoffice/pitboss-token', { method: 'POST', signal });
      if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`);
      return (await res.json()) as { token: string; expiresAt: string };
    },
  }),
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
