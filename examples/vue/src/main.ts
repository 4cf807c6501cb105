import { createApp, defineComponent, markRaw, ref } from 'vue';
import type { PropType } from 'vue';
import { definePlayerTable } from '@pitboss/components';
import type { PbColumn, PbRowActivateEvent, PbSelectionChangeEvent } from '@pitboss/components';
import { PitbossClient, RemotePlayerDataSource, embedToken } from '@pitboss/sdk';
import type { PlayerRow, SortSpec } from '@pitboss/sdk';

definePlayerTable();

const Players = defineComponent({
  props: { client: { type: Object as PropType<PitbossClient>, required: true } },
  setup(props) {
    // markRaw: Vue must not wrap these in reactive proxies (the table calls into the data source,
    // whose private fields a proxy cannot reach), and they never change.
    const dataSource = markRaw(new RemotePlayerDataSource(props.client));
    const columns = markRaw<PbColumn<PlayerRow>[]>([
      { key: 'player_id', label: 'Player', width: 200 },
      { key: 'country', label: 'Country', width: 90 },
      { key: 'deposit_sum_30d', label: 'Deposits 30d', format: 'money', value: (row) => row.features['deposit_sum_30d'] },
      { key: 'last_event_at', label: 'Last event', format: 'datetime' },
    ]);
    const sort = markRaw<SortSpec[]>([{ key: 'player_id', direction: 'asc' }]);
    const selected = ref<readonly string[]>([]);
    const opened = ref<PlayerRow | null>(null);
    return {
      dataSource,
      columns,
      sort,
      selected,
      opened,
      onSelection: (e: PbSelectionChangeEvent) => (selected.value = e.detail.selectedIds),
      onActivate: (e: PbRowActivateEvent) => (opened.value = e.detail.row as PlayerRow),
    };
  },
  // `.prop` bindings (`.columns`) set DOM properties; `@pb-…` listens to the components' events.
  template: `
    <div class="layout">
      <pb-player-table label="Players" selection-mode="single"
        .columns="columns" .sort="sort" .dataSource="dataSource"
        @pb-selection-change="onSelection" @pb-row-activate="onActivate"></pb-player-table>
      <aside aria-label="Player">
        <p data-testid="selected">{{ selected.length ? 'Selected: ' + selected.join(', ') : 'Nothing selected' }}</p>
        <dl v-if="opened" data-testid="opened">
          <dt>Player</dt><dd>{{ opened.player_id }}</dd>
          <dt>Country</dt><dd>{{ opened.country ?? '—' }}</dd>
        </dl>
        <p v-else>Double-click a row (or press Enter) to open it.</p>
      </aside>
    </div>`,
});

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

const app = createApp(Players, { client: markRaw(client) });
// pb-* tags are custom elements, not Vue components (with single-file components, set this in the
// bundler's Vue plugin: compilerOptions.isCustomElement).
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('pb-');
app.mount('#app');
