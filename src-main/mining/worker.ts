/** Proof-search worker thread entry. */
export {};
