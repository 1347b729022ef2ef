import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { PyValue } from '../chain/types.ts';
import { dumpsPy, parsePyJson } from '../chain/json.ts';
import { NodeError, type NodeApi, type PeerOutcome } from '../node/types.ts';
import { isLoopbackRemote } from './address.ts';
import { refuseCrossSite } from './cross-site.ts';

/** What the peer server needs from the node. */
export interface PeerServerDeps {
  node: NodeApi;
  /** Largest request body accepted (default 1 MiB: a transaction or a list of addresses). */
  bodyLimit?: number;
  /** Blockparty version announced on the info route. */
  version?: string;
  logger?: boolean;
}

const TRANSACTION_SCHEMA = {
  type: 'object',
  required: ['sender', 'recipient', 'amount'],
  properties: {
    sender: { type: 'string', minLength: 1 },
    recipient: { type: 'string', minLength: 1 },
  },
} as const;

const REGISTER_SCHEMA = {
  type: 'object',
  required: ['nodes'],
  // Items are not typed here: a list with some valid addresses registers those (protocol.md §4).
  properties: { nodes: { type: 'array' } },
} as const;

/**
 * Builds the Fastify peer server (without listening): the tutorial's five routes, exactly as in
 * protocol.md, plus Blockparty's `GET /blockparty/info`. Client errors are 4xx with
 * `{"error", "message"}`; responses are written with Python's JSON so numbers keep their kind.
 */
export function buildPeerServer(deps: PeerServerDeps): FastifyInstance {
  const { node } = deps;
  const bodyLimit = deps.bodyLimit ?? 1024 * 1024;
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit,
    // A peer that sends its request byte by byte is cut off instead of holding a socket forever.
    requestTimeout: 10_000,
    ajv: { customOptions: { coerceTypes: false } },
    schemaErrorFormatter: (errors) => new Error(errors.map(describeSchemaError).join('; ')),
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
      const err = new Error(`The body is not valid JSON: ${(error as Error).message}`) as FastifyError;
      err.statusCode = 400;
      err.code = 'invalid-json';
      done(err, undefined);
    }
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const thrown: unknown = error;
    if (thrown instanceof NodeError)
      return sendError(reply, statusOf(thrown.code), thrown.code, thrown.message, thrown.field);
    if (error.validation) {
      return sendError(reply, 400, 'invalid-body', `${error.message}.`);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, 'body-too-large', `The body is larger than ${bodyLimit} bytes.`);
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      app.log.error(error);
      return sendError(reply, 500, 'internal', `The node failed unexpectedly: ${error.message}`);
    }
    return sendError(
      reply,
      status,
      error.code && !error.code.startsWith('FST_') ? error.code : 'bad-request',
      error.message,
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not-found', `There is no route ${request.method} ${request.url} on this node.`),
  );

  app.get('/mine', async (request, reply) => {
    if (!isLoopbackRemote(request.socket.remoteAddress) && !node.settings().allowRemoteMine) {
      return sendError(
        reply,
        403,
        'remote-mining-disabled',
        'Mining from another machine is turned off on this node: press Mine on the node itself, or ask its owner to allow remote /mine in Settings.',
      );
    }
    const { block } = await node.mine();
    return sendPy(reply, 200, {
      message: 'New Block Forged',
      index: block.index,
      transactions: block.transactions,
      proof: block.proof,
      previous_hash: block.previous_hash,
    });
  });

  app.post('/transactions/new', { schema: { body: TRANSACTION_SCHEMA } }, async (request, reply) => {
    const { index } = node.submitTransaction(request.body);
    return sendPy(reply, 201, { message: `Transaction will be added to Block ${index}` });
  });

  app.get('/chain', async (_request, reply) =>
    reply.code(200).type('application/json').send(node.chainJson()),
  );

  app.post('/nodes/register', { schema: { body: REGISTER_SCHEMA } }, async (request, reply) => {
    const { nodes } = request.body as { nodes: unknown };
    const result = node.registerPeers(nodes);
    return sendPy(reply, 201, {
      message: 'New nodes have been added',
      total_nodes: result.peers,
      added: result.added,
      rejected: result.rejected.map((r) => ({ address: r.input, reason: r.reason })),
    });
  });

  app.get('/nodes/resolve', async (_request, reply) => {
    const report = await node.resolve();
    // The chain part reuses the node's cached text of each block, so a 10,000-block answer is a join.
    const chain = chainListJson(node.chainJson());
    const rest: { [key: string]: PyValue } = { peers: report.peers.map(outcomeToPy) };
    if (report.replaced) {
      rest['replaced_from'] = report.replacedFrom === null ? null : BigInt(report.replacedFrom);
      rest['restored_transactions'] = report.restored;
    }
    const tail = dumpsPy(rest).slice(1);
    const body = report.replaced
      ? `{"message": "Our chain was replaced", "new_chain": ${chain}, ${tail}`
      : `{"chain": ${chain}, "message": "Our chain is authoritative", ${tail}`;
    return reply.code(200).type('application/json').send(body);
  });

  app.get('/blockparty/info', async (_request, reply) => {
    const status = node.status();
    return reply.code(200).send({
      blockparty: deps.version ?? '0.1.0',
      node_id: status.nodeId,
      name: status.name,
      profile: status.profile,
      difficulty: status.difficulty,
      length: status.height,
      last_hash: status.lastHash,
    });
  });

  return app;
}

/** Words for one JSON-schema failure, naming the field and what it should be. */
function describeSchemaError(error: {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}): string {
  const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const kinds: Record<string, string> = { array: 'a list', object: 'a JSON object', string: 'a string' };
  switch (error.keyword) {
    case 'required':
      return `"${String(error.params['missingProperty'])}" is missing`;
    case 'type': {
      const kind = kinds[String(error.params['type'])] ?? String(error.params['type']);
      return field ? `"${field}" must be ${kind}` : `the body must be ${kind}`;
    }
    case 'minLength':
      return `"${field}" must not be empty`;
    default:
      return `"${field || 'body'}" is not valid (${error.keyword})`;
  }
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
    reason: o.reason,
    ms: BigInt(o.ms),
  };
}

function sendPy(reply: FastifyReply, status: number, body: { [key: string]: PyValue }): FastifyReply {
  return reply.code(status).type('application/json').send(dumpsPy(body));
}

function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  field?: string,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify(field ? { error: code, message, field } : { error: code, message }));
}

function statusOf(code: string): number {
  switch (code) {
    case 'not-found':
      return 404;
    case 'mining-cancelled':
    case 'node-closed':
      return 409;
    default:
      return 400;
  }
}
