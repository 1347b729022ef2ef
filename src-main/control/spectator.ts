/**
 * The spectator page: a read-only view of the network on the host's peer port, for phones in the
 * room (the join QR code opens it). No token and no controls: it shows what every node already
 * tells every other (the network view, recent blocks, the fork tree), nothing private.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { NodeApi } from '../node/types.ts';
import { SPECTATOR_DATA_PATH, SPECTATOR_PATH, type SpectatorDto } from '../shared/api.ts';
import { message, renderMessage } from '../shared/messages.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/security.ts';
import { MinedBlocks, forkTreeDto, networkViewDto } from './lab.ts';

/** The page's entry in the built renderer. */
export const SPECTATOR_ENTRY = 'spectator.html';

const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * What a spectator sees, built from the node: the public part of its chain only (while it mines
 * privately, the withheld blocks are not on this page either, as they are not on `/chain`).
 */
export function spectatorView(node: NodeApi, mined: MinedBlocks): SpectatorDto {
  const peerName = (address: string): string | null =>
    node.peers().find((p) => p.address === address)?.name ?? null;
  const card = node.card();
  const visible = {
    status: () => ({ ...node.status(), height: card.length, lastHash: card.lastHash }),
    chain: () => node.chain().slice(0, card.length),
    peers: () => node.peers(),
    nearby: () => node.nearby(),
  };
  return {
    view: networkViewDto(visible, mined),
    forks: forkTreeDto(node.forkTree(20, true), mined, peerName),
  };
}

/** Adds the spectator page and its data route to a peer server (`rendererDir` null: data only). */
export function registerSpectator(app: FastifyInstance, node: NodeApi, rendererDir: string | null): void {
  const mined = new MinedBlocks((id) => node.nameOf(id));
  app.get(SPECTATOR_DATA_PATH, async (_request, reply) =>
    reply
      .code(200)
      .type('application/json')
      .header('cache-control', 'no-store')
      .send(JSON.stringify(spectatorView(node, mined))),
  );
  app.get(SPECTATOR_PATH.slice(0, -1), async (_request, reply) => reply.redirect(SPECTATOR_PATH));
  const root = rendererDir === null ? null : resolve(rendererDir);
  if (root === null || !existsSync(join(root, SPECTATOR_ENTRY))) {
    app.get(SPECTATOR_PATH, async (_request, reply) =>
      reply
        .code(404)
        .type('application/json')
        .send(JSON.stringify({ error: 'not-found', message: renderMessage(message('spectator-missing')) })),
    );
    return;
  }
  void app.register(async (scope) => {
    scope.addHook('onRequest', async (_request, reply) => {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) reply.header(name, value);
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: SPECTATOR_PATH,
      index: [SPECTATOR_ENTRY],
      cacheControl: false,
      dotfiles: 'ignore',
      decorateReply: false,
      // Only the page and its assets: the dashboard's own entry is not served here.
      allowedPath: (path) => path === '/' || path === `/${SPECTATOR_ENTRY}` || path.startsWith('/assets/'),
    });
  });
}
