// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { COUNT_PHRASES, MESSAGE_CODES, MESSAGES, message, renderMessage } from '@shared/messages';
import type { Message, MessageCode, MessageParam } from '@shared/messages';
import { createAppI18n } from '@renderer/i18n';
import { en } from '@renderer/i18n/en';
import { errorText, messageText } from '@renderer/i18n/message';
import { zhCN } from '@renderer/i18n/zh-CN';
import NotificationsHost from '@renderer/components/NotificationsHost.vue';
import { useNotificationsStore } from '@renderer/stores/notifications';

const translator = (locale: 'en' | 'zh-CN') => createAppI18n(locale).global;
const COUNT_NAMES = Object.keys(COUNT_PHRASES) as (keyof typeof COUNT_PHRASES)[];
const CJK = /[\u3400-\u9fff]/;

/** The `{name}` placeholders of a template, sorted. */
function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

/** Sample params for a code: counts as numbers, anything else as ASCII text that names the param. */
function sample(code: MessageCode, count = 3): Message {
  const params: Record<string, MessageParam> = {};
  for (const name of placeholders(MESSAGES[code])) {
    params[name] = (COUNT_NAMES as string[]).includes(name) ? count : `x-${name}`;
  }
  return message(code, params);
}

describe('the node’s messages in the dashboard', () => {
  it('takes the English templates and count phrases from the node, not a copy', () => {
    expect(en.messages).toBe(MESSAGES);
    expect(en.counts).toBe(COUNT_PHRASES);
  });

  it('has a Chinese template for every code, with the same placeholders as the English one', () => {
    expect(Object.keys(zhCN.messages).sort()).toEqual([...MESSAGE_CODES].sort());
    for (const code of MESSAGE_CODES) {
      expect(placeholders(zhCN.messages[code]), code).toEqual(placeholders(MESSAGES[code]));
    }
  });

  it('has a Chinese plural phrase for every count, with the same forms', () => {
    expect(Object.keys(zhCN.counts).sort()).toEqual([...COUNT_NAMES].sort());
    for (const name of COUNT_NAMES) {
      const forms = zhCN.counts[name].split('|');
      expect(forms, name).toHaveLength(COUNT_PHRASES[name].split('|').length);
      expect(forms.at(-1), name).toContain('{n}');
    }
  });

  it('words every message in English exactly as the node does, plurals included', () => {
    const english = translator('en');
    for (const code of MESSAGE_CODES) {
      for (const count of [0, 1, 2]) {
        const m = sample(code, count);
        expect(messageText(english, m), code).toBe(renderMessage(m));
      }
    }
  });

  it('words every message in Chinese: no English template and no placeholder left', () => {
    const zh = translator('zh-CN');
    for (const code of MESSAGE_CODES) {
      for (const count of [0, 1, 5]) {
        const m = sample(code, count);
        const text = messageText(zh, m);
        expect(text, code).toMatch(CJK);
        expect(text, code).not.toBe(renderMessage(m));
        expect(text, code).not.toMatch(/\{\w*\}/);
        // The count phrases are Chinese too: no "3 blocks" in a Chinese sentence.
        expect(text, code).not.toMatch(/\b\d+ (blocks?|pending transactions?|transactions?|peers?)\b/);
        expect(text, code).not.toMatch(/\bno (blocks|pending transactions|transactions|peers)\b/);
      }
    }
  });

  it('words nested messages and count phrases in the viewer’s language', () => {
    const failed = message('peer-failed', {
      peer: '10.0.0.2:5000',
      reason: message('peer-invalid', {
        reason: message('block-proof', {
          block: 3,
          proof: '7',
          lastProof: '5',
          profile: 'article',
          difficulty: 4,
        }),
      }),
    });
    expect(messageText(translator('zh-CN'), failed)).toBe(
      '节点 10.0.0.2:5000：它的链无效：第 3 个区块：在工作量证明 5 之后，7 不是有效的工作量证明（article 规则配置，难度 4）',
    );
    expect(messageText(translator('en'), failed)).toBe(renderMessage(failed));
    const notLonger = message('peer-not-longer', { blocks: 3, ours: 3 });
    expect(messageText(translator('en'), notLonger)).toBe(
      'not longer than ours: 3 blocks against our 3 blocks',
    );
    expect(messageText(translator('zh-CN'), notLonger)).toBe(
      '不比我们的链长：它有 3 个区块，我们有 3 个区块',
    );
    expect(
      messageText(
        translator('zh-CN'),
        message('chain-replaced-restored', { peer: 'b', blocks: 5, ours: 3, restored: 1 }),
      ),
    ).toBe('我们的链已被 b 的链替换：它的 5 个区块胜过我们的 3 个区块；1 笔交易已放回待处理交易池');
  });

  it('words the node’s English words in params (kinds of values, field names) in Chinese', () => {
    const zh = translator('zh-CN');
    expect(messageText(zh, message('tx-field-missing', { field: 'sender' }))).toBe(
      '缺少发送方：请填写一个非空字符串',
    );
    expect(
      messageText(
        zh,
        message('block-key-type', { block: 2, key: 'proof', expected: 'an integer', got: 'a string' }),
      ),
    ).toBe('第 2 个区块：proof 应当是整数，收到的是字符串');
    // A value typed by a person is shown as typed, even when it happens to be an English word.
    expect(messageText(zh, message('tx-amount-text', { got: 'amount' }))).toBe(
      '金额“amount”不是数字：请输入数字，例如 5 或 2.5',
    );
  });

  it('keeps the node’s English for a code this dashboard does not know', () => {
    const zh = translator('zh-CN');
    const newer = { code: 'from-a-newer-node', params: { x: 1 } };
    expect(messageText(zh, newer, 'Something new')).toBe('Something new');
    expect(messageText(zh, { code: 'constructor', params: {} }, 'Not a message')).toBe('Not a message');
    // Nested inside a known one, it is rendered as the node would.
    expect(
      messageText(zh, message('storage-notice', { reason: { code: 'x-new', params: {} } as never })),
    ).toBe('存储：x-new');
  });
});

describe('errors in the viewer’s language', () => {
  const zh = translator('zh-CN');
  const refusal = {
    code: 'invalid-transaction' as const,
    message: 'amount “0x10” is not a number: type digits such as 5 or 2.5',
    detail: message('tx-amount-text', { got: '0x10' }),
    field: 'amount',
  };

  it('shows an error through its detail, after a lead-in for codes that have one', () => {
    expect(errorText(zh, refusal)).toBe('交易被拒绝：金额“0x10”不是数字：请输入数字，例如 5 或 2.5');
    expect(errorText(translator('en'), refusal)).toBe(`The transaction was refused: ${refusal.message}`);
    const full = {
      code: 'storage-failed' as const,
      message: 'the disk holding /data is full: free some space, then try again',
      detail: message('storage-full', { dir: '/data' }),
    };
    expect(errorText(zh, full)).toBe('没有保存任何内容：存放 /data 的磁盘已满：请释放一些空间后重试');
    const pool = {
      code: 'pool-full' as const,
      message: 'The pending pool…',
      detail: message('pool-full', { max: 20000 }),
    };
    expect(errorText(zh, pool)).toBe(
      '待处理交易池已有 20000 笔交易，达到上限：请先挖一个区块腾出空间，再重新发送。',
    );
  });

  it('falls back to the node’s English only for what it does not know', () => {
    const newer = {
      code: 'pool-full' as const,
      message: 'English from a newer node',
      detail: { code: 'x' } as never,
    };
    expect(errorText(zh, newer)).toBe('English from a newer node');
    expect(errorText(zh, { code: 'teleport-failed' as never, message: 'No teleport' })).toBe('No teleport');
  });

  it('words the failures the dashboard detects itself, and bugs as bugs', () => {
    expect(errorText(zh, { code: 'network', message: 'Failed to fetch' })).toBe(
      '无法连接到节点。请确认它仍在运行，然后重试。',
    );
    const bug = {
      code: 'internal' as const,
      message: 'Unexpected error inside the node: boom',
      detail: message('internal', { error: 'boom' }),
    };
    expect(errorText(zh, bug)).toBe('Blockparty 内部出错：boom。请重试；如果反复出现，请重启应用。');
  });

  it('renders an error notification in Chinese, and again in English when the viewer switches', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const i18n = createAppI18n('zh-CN');
    const wrapper = mount(NotificationsHost, { global: { plugins: [pinia, i18n] } });
    useNotificationsStore().error({
      code: 'invalid-address',
      message: 'No valid address: “127.0.0.1:5000” (that is this node itself)',
      detail: message('register-none-valid', { input: '127.0.0.1:5000', reason: message('address-self') }),
    });
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toContain(
      '没有有效的地址：“127.0.0.1:5000”（这就是本节点自己）',
    );
    i18n.global.locale.value = 'en';
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toContain(
      'No valid address: “127.0.0.1:5000” (that is this node itself)',
    );
  });
});
