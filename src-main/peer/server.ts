import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type onSendHookHandler,
} from 'fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { PyValue } from '../chain/types.ts';
import { dumpsPy, parsePyJson } from '../chain/json.ts';
import type { NodeApi, PeerOutcome } from '../node/types.ts';
import { isLoopbackRemote } from '../shared/address.ts';
import { NodeError, isNodeError, statusOf, type ErrorCode } from '../shared/errors.ts';
import { message, renderMessage, type Message } from '../shared/messages.ts';
import { refuseCrossSite } from './cross-site.ts';
import { cardToWire } from './client.ts';

/** What the peer server needs from the node. */
export interface PeerServerDeps {
  node: NodeApi;
  /** Largest request body accepted (default 1 MiB: a transaction or a list of addresses). */
  bodyLimit?: number;
  /** Blockparty version announced on the info route. */
  version?: string;
  /** Where the server's own failures are logged (the node's log file); none by default. */
  logger?: FastifyBaseLogger;
  /** A request that takes longer than this to arrive is cut off (default 10 s). */
  requestTimeoutMs?: number;
}

/** The largest request body the peer API reads. */
export const PEER_BODY_LIMIT = 1024 * 1024;
/** The largest lab chain another node may send to be checked (the chain limit's size). */
export const LAB_BODY_LIMIT = 64 * 1024 * 1024;
/** Lab chains checked at once (each may be LAB_BODY_LIMIT bytes). */
const LAB_CHECKS_AT_ONCE = 2;

/**
 * The answers of the relay routes go between Blockparty nodes many times a second, and their bytes
 * are the LAN's: no `Date` and no content type (the nodes read the body as JSON whatever it says).
 */
const lean: onSendHookHandler = async (_request, reply, payload) => {
  reply.raw.sendDate = false;
  reply.removeHeader('content-type');
  return payload;
};

/**
 * Builds the Fastify peer server (without listening): the tutorial's five routes, exactly as in
 * protocol.md, plus Blockparty's own under `/blockparty/` (the live network's and the lab's; the
 * README lists them). Client errors are 4xx with
 * `{"error", "message"}`; responses are written with Python's JSON so numbers keep their kind.
 */
export function buildPeerServer(deps: PeerServerDeps): FastifyInstance {
  const { node } = deps;
  const bodyLimit = deps.bodyLimit ?? PEER_BODY_LIMIT;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit,
    // A peer that sends its request byte by byte is cut off instead of holding a socket forever.
    requestTimeout: deps.requestTimeoutMs ?? 10_000,
    // Node checks request timeouts only this often (30 s by default): check often enough to mean it.
    http: { connectionsCheckingInterval: Math.min(1000, deps.requestTimeoutMs ?? 10_000) },
    // Keep-alive connections of curl, requests and tutorial nodes are reused, but not forever.
    keepAliveTimeout: 10_000,
  });
  refuseCrossSite(app);

  // The tutorial's clients often POST without a JSON content type: parse every body as JSON, with the
  // parser that keeps ints and floats apart.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, parsePyJson(text));
    } catch (error) {
      done(
        new NodeError('invalid-json', message('invalid-json', { error: (error as Error).message })),
        undefined,
      );
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isNodeError(error)) return sendError(reply, error.code, error.detail, error.field);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 'body-too-large', message('body-too-large', { max: bodyLimit }));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own 4xx (a malformed request line, an unsupported media type…).
      return reply
        .code(error.statusCode)
        .type('application/json')
        .send(JSON.stringify({ error: 'bad-request', message: error.message }));
    }
    request.log.error({ err: error }, 'peer API request failed');
    return sendError(reply, 'internal', message('internal', { error: error.message }));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      'not-found',
      message('not-found-route', { method: request.method, path: request.url.split('?')[0]!.slice(0, 200) }),
    ),
  );

  app.get('/mine', async (request, reply) => {
    if (!isLoopbackRemote(request.socket.remoteAddress) && !node.settings().allowRemoteMine) {
      return sendError(reply, 'remote-mining-disabled', message('remote-mining-disabled'));
    }
    const { block } = await node.mine();
    const b = block.decode();
    return sendPy(reply, 200, {
      message: 'New Block Forged',
      index: b.index,
      transactions: b.transactions,
      proof: b.proof,
      previous_hash: b.previous_hash,
    });
  });

  app.post('/transactions/new', async (request, reply) => {
    const { index } = await node.submitTransaction(request.body);
    return sendPy(reply, 201, { message: `Transaction will be added to Block ${index}` });
  });

  app.get('/chain', async (_request, reply) =>
    reply.code(200).type('application/json').send(node.chainJson()),
  );

  app.post('/nodes/register', async (request, reply) => {
    const body = request.body;
    const nodes =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)['nodes']
        : undefined;
    const result = node.registerPeers(nodes);
    return sendPy(reply, 201, {
      message: 'New nodes have been added',
      total_nodes: result.peers,
      added: result.added,
      rejected: result.rejected.map((r) => ({ address: r.input, reason: renderMessage(r.reason) })),
    });
  });

  app.get('/nodes/resolve', async (_request, reply) => {
    const report = await node.resolve();
    // The chain part reuses the node's cached text of each block, so a 10,000-block answer is a join.
    const chain = chainListJson(node.chainJson());
    const rest: { [key: string]: PyValue } = { peers: report.peers.map(outcomeToPy) };
    if (report.replaced) {
      rest['replaced_from'] = report.replacedFrom === null ? null : BigInt(report.replacedFrom);
      rest['restored_transactions'] = report.restored.map((tx) => parsePyJson(tx.text));
    }
    const tail = dumpsPy(rest).slice(1);
    const body = report.replaced
      ? `{"message": "Our chain was replaced", "new_chain": ${chain}, ${tail}`
      : `{"chain": ${chain}, "message": "Our chain is authoritative", ${tail}`;
    return reply.code(200).type('application/json').send(body);
  });

  // ── the live network: Blockparty's own routes (a tutorial node answers 404 to them) ──

  app.post('/blockparty/hello', async (request, reply) => {
    const { card, peers } = node.hello(request.socket.remoteAddress, request.body);
    return reply
      .code(200)
      .type('application/json')
      .send(JSON.stringify({ ...cardToWire(card), peers }));
  });

  app.post('/blockparty/blocks', { onSend: lean }, async (request, reply) => {
    const answer = await node.receiveBlocks(request.socket.remoteAddress, request.body);
    return reply.code(200).type('application/json').send(JSON.stringify(answer));
  });

  app.post('/blockparty/transactions', { onSend: lean }, async (request, reply) => {
    const answer = await node.receiveTransactions(request.socket.remoteAddress, request.body);
    return reply.code(200).type('application/json').send(JSON.stringify(answer));
  });

  app.post('/blockparty/sync', { onSend: lean }, async (request, reply) =>
    reply.code(200).type('application/json').send(node.syncPage(request.body)),
  );

  app.get('/blockparty/peers', async (_request, reply) =>
    reply
      .code(200)
      .type('application/json')
      .send(JSON.stringify({ peers: node.peerList() })),
  );

  // The pending pool with each transaction's envelope id (the tutorial has no route for it).
  app.get('/blockparty/pending', async (_request, reply) => {
    const pending = node.pending();
    const items = pending.map((tx) => `{"id": "${tx.id}", "transaction": ${tx.text}}`);
    return reply
      .code(200)
      .type('application/json')
      .send(`{"length": ${pending.length}, "pending": [${items.join(', ')}]}`);
  });

  app.post('/blockparty/adopted', async (request, reply) => {
    node.adoptedBy(request.socket.remoteAddress, request.body);
    return reply.code(200).type('application/json').send('{"ok": true}');
  });

  // ── the classroom lab ──

  app.post('/blockparty/arrivals', { onSend: lean }, async (request, reply) =>
    reply
      .code(200)
      .type('application/json')
      .send(JSON.stringify(node.receiveHops(request.body))),
  );

  app.get('/blockparty/flight', async (request, reply) => {
    const hash = (request.query as Record<string, unknown>)['hash'];
    const flight = typeof hash === 'string' ? node.flight(hash) : null;
    if (flight === null) return sendError(reply, 'not-found', message('lab-flight-unknown'));
    return reply.code(200).type('application/json').send(JSON.stringify(flight));
  });

  // A lab chain to judge as a chain to adopt would be (it is never adopted). Its bytes go to the
  // chain checker as they are, off the event loop when large.
  void app.register(async (lab) => {
    // At most LAB_CHECKS_AT_ONCE bodies of up to 64 MiB are read at once: the next is refused before
    // its body is read, so that no peer can fill this node's memory with lab chains.
    let checking = 0;
    lab.addHook('onRequest', async (_request, reply) => {
      if (checking >= LAB_CHECKS_AT_ONCE) {
        return reply
          .code(503)
          .type('application/json')
          .send(JSON.stringify({ error: 'busy', message: renderMessage(message('lab-check-busy')) }));
      }
      checking++;
      reply.raw.once('close', () => checking--);
    });
    lab.removeAllContentTypeParsers();
    lab.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LAB_BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    lab.post('/blockparty/lab/check', { bodyLimit: LAB_BODY_LIMIT }, async (request, reply) => {
      const body = request.body;
      if (!(body instanceof Uint8Array))
        return sendError(
          reply,
          'invalid-request',
          message('request-invalid', { field: 'body', expected: '{"chain": [...]}' }),
        );
      const verdict = await node.labCheck(body);
      return reply.code(200).type('application/json').send(JSON.stringify(verdict));
    });
  });

  app.get('/blockparty/info', async (_request, reply) => {
    const card = cardToWire(node.card());
    return reply.code(200).send({ ...card, node_id: card['id'] });
  });

  return app;
}

/** The `[...]` list inside the node's `{"chain": [...], "length": N}` text. */
function chainListJson(chainJson: string): string {
  return chainJson.slice('{"chain": '.length, chainJson.lastIndexOf(', "length": '));
}

function outcomeToPy(o: PeerOutcome): PyValue {
  return {
    peer: o.peer,
    outcome: o.outcome,
    blocks: o.blocks === null ? null : BigInt(o.blocks),
    reason: o.reason === null ? null : renderMessage(o.reason),
    ms: o.ms === null ? null : BigInt(o.ms),
  };
}

function sendPy(reply: FastifyReply, status: number, body: { [key: string]: PyValue }): FastifyReply {
  return reply.code(status).type('application/json').send(dumpsPy(body));
}

/** A failure as the peer API answers it: the code's status and `{"error", "message"}`. */
export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  detail: Message,
  field?: string,
): FastifyReply {
  const body: Record<string, string> = { error: code, message: renderMessage(detail) };
  if (field !== undefined) body['field'] = field;
  return reply.code(statusOf(code)).type('application/json').send(JSON.stringify(body));
}
