// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Pinia } from 'pinia';
import type { ActivityEntry } from '@shared/api';
import { message, renderMessage } from '@shared/messages';
import { setDashboardClient } from '@renderer/api';
import { createAppI18n } from '@renderer/i18n';
import { activityText } from '@renderer/i18n/activity';
import { useActivityStore } from '@renderer/stores/activity';
import ActivityView from '@renderer/views/ActivityView.vue';
import { createFakeClient, ok } from './fake-client';
import type { FakeClient } from './fake-client';

const translator = (locale: 'en' | 'zh-CN') => createAppI18n(locale).global;

let id = 0;
function line(code: string, params: ActivityEntry['params'], text: string): ActivityEntry {
  return { id: ++id, time: 1_700_000_000_000, kind: 'node', message: text, code, params };
}

/** A line as the node's activity log makes it: the English rendered from the same message. */
function logged(code: Parameters<typeof message>[0], params: ActivityEntry['params']): ActivityEntry {
  return line(code, params, renderMessage(message(code, params)));
}

// Every code and its Chinese words are checked in messages-i18n.test.ts; this is about activity lines.
describe('activity messages', () => {
  it('words an entry in Chinese with its params, counts included', () => {
    const zh = translator('zh-CN');
    expect(
      activityText(
        zh,
        line(
          'chain-replaced-restored',
          { peer: '10.0.0.2:5000', blocks: 4, ours: 2, restored: 1 },
          "Chain replaced by 10.0.0.2:5000's: 4 blocks beat our 2; 1 transactions back in the pending pool",
        ),
      ),
    ).toBe(
      '我们的链已被 10.0.0.2:5000 的链替换：它的 4 个区块胜过我们的 2 个区块；1 笔交易已放回待处理交易池',
    );
    expect(
      activityText(
        zh,
        line(
          'mined',
          { index: 7, proof: '35293', seconds: '1.5' },
          'Mined block 7 with proof 35293 in 1.5 s',
        ),
      ),
    ).toBe('挖出第 7 号区块，工作量证明为 35293，用时 1.5 秒');
    expect(
      activityText(
        zh,
        line(
          'node-started',
          { blocks: 1, pending: 0 },
          'Node started with 1 blocks and 0 pending transactions',
        ),
      ),
    ).toBe('节点已启动，有 1 个区块和 0 笔待处理交易');
    // A reason inside a line is a message of its own, worded in Chinese too.
    expect(
      activityText(
        zh,
        logged('address-refused', {
          input: 'https://10.0.0.2:5000',
          reason: message('address-scheme', { scheme: 'https' }),
        }),
      ),
    ).toBe('地址“https://10.0.0.2:5000”被拒绝：只支持 http:// 地址，不支持 https://');
    expect(
      activityText(
        zh,
        logged('storage-notice', { reason: message('storage-torn-tail', { file: 'chain.log' }) }),
      ),
    ).toBe('存储：chain.log 的最后一条记录只写了一部分（应用可能在保存时被关闭了），已将其丢弃');
  });

  it('says the English the node says, with 1 block and 2 blocks right', () => {
    const english = translator('en');
    const same = [
      line('mined', { index: 7, proof: '35293', seconds: '1.5' }, 'Mined block 7 with proof 35293 in 1.5 s'),
      line(
        'node-started',
        { blocks: 5, pending: 2 },
        'Node started with 5 blocks and 2 pending transactions',
      ),
      line('chain-kept', { blocks: 3 }, 'Our chain (3 blocks) is authoritative'),
      line('peer-added', { peer: '10.0.0.2:5000' }, 'Peer 10.0.0.2:5000 added'),
      line(
        'transaction-queued',
        { tx: 'ana → bo (3)', index: 2 },
        'Transaction ana → bo (3) will go into block 2',
      ),
      line('chain-reset', {}, 'Chain reset to a new genesis block; pending transactions cleared'),
      logged('rebind-failed', { error: 'EADDRINUSE' }),
      logged('storage-notice', { reason: message('storage-torn-tail', { file: 'chain.log' }) }),
      logged('peer-failed', { peer: '10.0.0.3:5000', reason: message('peer-timeout', { ms: 3000 }) }),
    ];
    for (const entry of same) expect(activityText(english, entry)).toBe(entry.message);
    expect(
      activityText(
        english,
        line(
          'node-started',
          { blocks: 1, pending: 1 },
          'Node started with 1 blocks and 1 pending transactions',
        ),
      ),
    ).toBe('Node started with 1 block and 1 pending transaction');
    expect(
      activityText(
        english,
        line(
          'node-started',
          { blocks: 1, pending: 0 },
          'Node started with 1 blocks and 0 pending transactions',
        ),
      ),
    ).toBe('Node started with 1 block and no pending transactions');
    expect(
      activityText(english, line('chain-kept', { blocks: 1 }, 'Our chain (1 blocks) is authoritative')),
    ).toBe('Our chain (1 block) is authoritative');
  });

  it('falls back to the node’s English for a line without a code or with a code it has no words for', () => {
    const zh = translator('zh-CN');
    expect(
      activityText(zh, {
        id: 1,
        time: 1,
        kind: 'node',
        message: 'Node started on port 5000',
        code: '',
        params: {},
      }),
    ).toBe('Node started on port 5000');
    expect(activityText(zh, line('from-a-newer-node', { x: 1 }, 'Something new'))).toBe('Something new');
    expect(activityText(zh, line('constructor', {}, 'Not a message'))).toBe('Not a message');
  });
});

describe('Activity screen', () => {
  let client: FakeClient;
  let pinia: Pinia;

  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    client = createFakeClient();
    setDashboardClient(client);
    localStorage.clear();
  });

  it('shows the node’s lines in Chinese and finds them by their Chinese words', async () => {
    client.activity.mockResolvedValue(
      ok([
        line(
          'node-started',
          { blocks: 1, pending: 0 },
          'Node started with 1 blocks and 0 pending transactions',
        ),
        line('peer-added', { peer: '10.0.0.2:5000' }, 'Peer 10.0.0.2:5000 added'),
        {
          id: 99,
          time: 1_700_000_000_000,
          kind: 'node',
          message: 'An older node said this',
          code: 'x-old',
          params: {},
        },
      ]),
    );
    const activity = useActivityStore();
    activity.start();
    await flushPromises();
    const i18n = createAppI18n('zh-CN');
    const wrapper = mount(ActivityView, { global: { plugins: [pinia, i18n], stubs: { RouterLink: true } } });
    const texts = () => wrapper.findAll('[data-testid=activity-message]').map((cell) => cell.text());
    expect(texts()).toEqual([
      'An older node said this',
      '已添加节点 10.0.0.2:5000',
      '节点已启动，有 1 个区块和 0 笔待处理交易',
    ]);
    expect(wrapper.text()).not.toContain('1 blocks');

    activity.text = '已添加';
    await flushPromises();
    expect(texts()).toEqual(['已添加节点 10.0.0.2:5000']);
    // The node's English still finds the line.
    activity.text = 'added';
    await flushPromises();
    expect(texts()).toEqual(['已添加节点 10.0.0.2:5000']);

    activity.text = '';
    i18n.global.locale.value = 'en';
    await flushPromises();
    expect(texts()).toContain('Node started with 1 block and no pending transactions');
  });
});
