/** The chain engine: canonical JSON, sealed blocks, proof of work, validation and consensus. */
export type * from './types.ts';
export * from './json.ts';
export * from './block.ts';
export * from './proof.ts';
export * from './transaction.ts';
export * from './validate.ts';
export * from './consensus.ts';
