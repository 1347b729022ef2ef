/**
 * Every sentence the node says to a person, once: a code, its English template and the parameters it
 * is worded with. Errors, refusal reasons, peer outcomes, storage notices and activity lines all
 * cross the boundary as a {@link Message}; the node renders English with {@link renderMessage} (the
 * peer API, the log, the CLI), the dashboard renders the same code in the viewer's language.
 *
 * Templates use vue-i18n's syntax (`{name}` placeholders, no `|`, `@`, `$` or literal braces), so the
 * dashboard uses this table as its English locale unchanged. A number parameter whose name has a
 * phrase in {@link COUNT_PHRASES} is worded as that plural phrase ("1 block", "3 blocks").
 */

/** English templates, by code. */
export const MESSAGES = {
  // ── transactions (POST /transactions/new, the dashboard's form) ──
  'tx-not-object': 'the body must be a JSON object with sender, recipient and amount, got {got}',
  'tx-field-missing': '{field} is missing: give it as a non-empty string',
  'tx-field-not-string': '{field} must be a non-empty string, got {got}',
  'tx-field-empty': '{field} must not be empty',
  'tx-field-too-long': '{field} is {length} characters long; at most {max} are allowed',
  'tx-amount-missing': 'amount is missing: give a positive number such as 5 or 2.5',
  'tx-amount-not-positive': 'amount must be a positive number such as 5 or 2.5, got {got}',
  'tx-amount-too-long': 'amount has {length} characters; at most {max} are allowed',
  'tx-amount-text': 'amount “{got}” is not a number: type digits such as 5 or 2.5',
  'tx-amount-wide-digits': 'amount “{got}” uses full-width digits: type them as 0–9',

  // ── peer addresses ──
  'address-not-text': 'an address must be text like "192.168.0.5:5000", got {got}',
  'address-empty': 'the address is empty',
  'address-too-long': 'the address is longer than {max} characters',
  'address-scheme': 'only http:// addresses are supported, not {scheme}://',
  'address-path': 'give the node address without a path, like http://192.168.0.5:5000',
  'address-form': 'write the address as host:port, like 192.168.0.5:5000',
  'address-user': 'addresses with a user name are not supported',
  'address-ipv6-bracket': 'an IPv6 address needs a closing "]"',
  'address-after-bracket': 'expected ":port" after "]"',
  'address-bad-ipv6': '“{host}” is not an IPv6 address',
  'address-ipv6-unbracketed': 'put an IPv6 address in brackets, like [::1]:5000',
  'address-bad-ipv4': '“{host}” is not an IPv4 address (each of the four numbers is 0 to 255)',
  'address-bad-host': '“{host}” is not a valid host name or IPv4 address',
  'address-no-port': 'add the port, like {host}:5000',
  'address-bad-port': '“{port}” is not a port number',
  'address-port-range': 'port {port} is outside 1–65535',
  'address-self': 'that is this node itself',
  'register-not-list': 'Send "nodes" as a list of addresses, like ["192.168.0.5:5000"].',
  'register-empty': 'The list of nodes is empty.',
  'register-none-valid': 'No valid address: “{input}” ({reason})',
  'too-many-peers': 'This node already keeps {max} peers, the most it keeps: remove some first.',

  // ── settings ──
  'settings-name': 'The node name must be 1 to {max} characters.',
  'settings-port': 'The port must be a whole number from 1 to 65535 (0 lets the system choose).',
  'settings-boolean': '{field} must be on or off.',
  'settings-profile': 'The profile must be "article" or "dvf".',
  'settings-difficulty':
    'The difficulty must be a whole number of leading zeros from 1 to 12 (the tutorial uses 4).',
  'settings-workers': 'Mining workers must be a whole number from 0 (automatic) to 256.',
  'settings-unknown': 'There is no setting “{field}”.',
  'profile-mismatch':
    'The saved chain follows the “{saved}” profile, not “{asked}”. Use another data folder, or switch the profile in Settings (the chain then restarts from a new genesis block).',

  // ── chains and blocks (a peer's chain, our saved chain) ──
  'chain-not-list': 'the chain must be a list of blocks, got {got}',
  'chain-empty': 'the chain is empty (it needs a genesis block)',
  'chain-too-long': 'the chain has more than {max} blocks, the most this node accepts',
  'block-not-object': 'block {block}: expected an object, got {got}',
  'block-key-missing': 'block {block}: missing key “{key}”',
  'block-key-extra':
    'block {block}: extra key “{key}” (a block has exactly index, previous_hash, proof, timestamp, transactions)',
  'block-key-type': 'block {block}: {key} must be {expected}, got {got}',
  'block-proof-negative': 'block {block}: proof must not be negative',
  'block-index': 'block {block}: index is {index}, expected {block}',
  'block-genesis-previous': 'block 1: a genesis previous_hash must be {expected} under the {profile} profile',
  'block-genesis-proof': 'block 1: a genesis proof must be 100, got {proof}',
  'block-link': 'block {block}: previous_hash does not match the hash of block {previous}',
  'block-proof':
    'block {block}: proof {proof} is not valid after proof {lastProof} ({profile} profile, difficulty {difficulty})',
  'block-too-large': 'block {block} is larger than {max} bytes, the most this node accepts',

  // ── peers and consensus ──
  'peer-refused': 'nothing is listening at {peer} (is the node running?)',
  'peer-timeout': 'no complete answer within {ms} ms',
  'peer-no-route': '{peer} cannot be reached from this network',
  'peer-dns': 'the host name of {peer} cannot be found',
  'peer-reset': '{peer} closed the connection',
  'peer-busy': 'this node is already talking to many peers; it will try {peer} again later',
  'peer-not-a-node': 'not a Blockparty or tutorial node',
  'peer-too-large': 'its answer is larger than {max} bytes, the most this node reads',
  'peer-invalid': 'its chain is invalid: {reason}',
  'peer-claimed-length': 'the peer claims length {claimed} but sent {count} blocks; counted the blocks',
  'peer-longer-elsewhere': 'valid, but {winner} had a longer chain',
  'peer-not-longer': 'not longer than ours: {blocks} against our {ours}',
  'peer-rules-changed': 'not used: the profile or difficulty changed during the resolve',
  'peer-chain-changed': 'not used: our chain changed while it was checked; resolve again',
  'join-needs-confirm':
    'Joining replaces this node’s chain: {blocks} of its own and {transactions} would give way (the transactions go back to the pending pool). Confirm to join.',
  'join-not-found': 'No node of that network answers now.',
  'join-other-rules':
    'That network follows other rules ({profile} profile, difficulty {difficulty}): change this node’s rules first.',
  'join-code-empty': 'Type the join code shown on the host’s Overview, like 40H-98Y.',
  'join-code-character':
    '“{character}” is not in a join code: codes use the digits 0–9 and the letters A–Z except I, L, O and U.',
  'join-code-length':
    'This is not a whole join code: check it against the host’s screen, character by character.',
  'join-code-no-answer':
    'No node answers at {address}, where the code points: check the code, and that both laptops are on the same network.',
  'join-code-other-network':
    'The node at {address} is on another network than the code says: check the code against the host’s screen.',
  'join-code-not-blockparty': 'The node at {address} is a tutorial node: add it on the Peers page instead.',
  'lab-edit-block': 'Pick a block from 2 to {last} to edit: the genesis block is left alone.',
  'lab-edit-transaction': 'Pick one of the block’s {transactions}.',
  'lab-edit-not-object': 'That transaction is not an object: it has no field to edit.',
  'lab-edit-field': 'Edit the sender, the recipient or the amount.',
  'lab-edit-party': 'Type a name of 1 to {max} characters.',
  'lab-edit-proof': 'A proof is a whole number of 1 to 40 digits.',
  'lab-relink-too-deep':
    'Re-mining redoes every block after the edited one: pick one of the last {max} blocks to re-mine.',
  'lab-private-on':
    'Private mining is on: blocks mined here stay on this node until you release them (a lesson: the 51 % attack).',
  'lab-private-released': 'Private mining is off: {blocks} released to the network.',
  'lab-pace-range': 'The pace is a whole number of seconds from 0 (no pace) to {max}.',
  'lab-pace-set': 'Pace set: each node mines at most one block every {seconds} s.',
  'lab-pace-off': 'Pace lifted: nodes mine as fast as they can.',
  'join-code-loopback':
    'This node listens on this computer only (127.0.0.1): turn on “Listen on all interfaces” in Settings to get a join code.',
  'join-code-no-address':
    'This computer has no IPv4 address on a LAN: connect it to the classroom’s Wi-Fi or network to get a join code.',
  'diag-listening-title': 'Where this node listens',
  'diag-listening-loopback': 'It listens on 127.0.0.1:{port} only: no other computer can reach it.',
  'diag-listening-loopback-fix': 'Turn on “Listen on all interfaces” in Settings.',
  'diag-listening-no-lan': 'This computer has no IPv4 address on a network: it is not connected to the LAN.',
  'diag-listening-no-lan-fix': 'Join the classroom’s Wi-Fi (or plug in the cable), then look again.',
  'diag-listening-ok': 'Others reach this node at {addresses}.',
  'diag-vpn-title': 'VPN',
  'diag-vpn-on':
    'A VPN or tunnel is on ({interfaces}): it may send the traffic elsewhere or hide the other laptops.',
  'diag-vpn-fix': 'Turn the VPN off during the class (or allow “local network access” in its settings).',
  'diag-vpn-none': 'No VPN interface found.',
  'diag-discovery-title': 'Finding nodes nearby (mDNS)',
  'diag-discovery-off': 'Discovery is off: this node neither looks for others nor lets them find it.',
  'diag-discovery-off-fix': 'Turn on “Find nodes nearby” in Settings, or add nodes by address or join code.',
  'diag-discovery-nothing':
    'No node answered on mDNS. Either nobody else runs Blockparty on this network, or the network drops multicast (guest and school Wi-Fi often do).',
  'diag-discovery-nothing-fix':
    'Check that everyone is on the same Wi-Fi. If they are, type the host’s join code or address: nodes then introduce each other.',
  'diag-discovery-ok': 'Found {nodes} nearby.',
  'diag-network-title': 'Other networks',
  'diag-network-other': 'Some nodes started their own chain and are on another network: {names}.',
  'diag-network-fix': 'On the Nearby panel, press Join next to the network everyone should share.',
  'diag-rules-title': 'Other rules',
  'diag-rules-other':
    'Some nodes follow another profile or difficulty and can never share our chain: {names}.',
  'diag-rules-fix':
    'Agree on one profile and difficulty (the tutorial’s is difficulty 4), and set it in Settings.',
  'diag-firewall-title': 'Firewall',
  'diag-firewall-blocked':
    'This node reached {peers}, but none of them ever reached it: a firewall on this computer drops what comes in.',
  'diag-firewall-fix':
    'Windows: allow Blockparty on private networks in Windows Defender Firewall, and make this Wi-Fi a Private network. macOS: System Settings › Network › Firewall › Options, allow Blockparty. Linux: allow TCP port {port} (for example sudo ufw allow {port}/tcp).',
  'diag-firewall-ok': 'Other nodes reach this one (contacted {times} times since start).',
  'diag-firewall-unknown': 'No other node has contacted this one yet, so this cannot be told yet.',
  'diag-isolation-title': 'Client isolation',
  'diag-isolation-seen':
    'This node sees {peers} on the network but reaches none of them: the Wi-Fi probably keeps its clients apart (client isolation).',
  'diag-isolation-fix':
    'Use a network without client isolation: a phone hotspot, a travel router or a wired switch, or ask IT to turn isolation off for this Wi-Fi.',
  'diag-target-title': 'Reaching “{target}”',
  'diag-target-unknown': 'No node called “{target}” has been seen, and it is not an address.',
  'diag-target-unknown-fix':
    'Check that this laptop runs Blockparty on the same Wi-Fi, or type its address (shown on its Overview), like 192.168.1.20:5000.',
  'diag-target-tutorial':
    '{address} is a tutorial node: it answers only the tutorial’s routes, and is followed by polling.',
  'diag-target-silent': '{address} does not answer: {reason}',
  'diag-target-silent-fix':
    'On that laptop: is Blockparty running, is the firewall letting it in (see above), and is it on this Wi-Fi? Client isolation also looks like this.',
  'diag-target-rules':
    '{name} ({address}) answers, but follows the {profile} profile at difficulty {difficulty}: it cannot share our chain.',
  'diag-target-network': '{name} ({address}) answers, but is on another network (another genesis block).',
  'diag-target-ok': '{name} ({address}) answers in {ms} ms and shares our network.',
  'lab-tamper-sent':
    'Tampered copy of block {block} sent to {peers} for checking (our own chain is untouched).',
  'lab-would-adopt': 'valid and longer ({blocks} against our {ours}): this node would adopt it',
  'lab-check-busy': 'This node is already checking other lab chains: try again in a moment.',
  'lab-flight-unknown': 'This node knows nothing of that block’s flight (it keeps the latest 50).',
  'spectator-missing': 'The spectator page is not built into this copy of Blockparty (run npm run build).',
  'manual-mode':
    'This node is in the tutorial’s manual mode: it takes blocks only by /mine and /nodes/resolve.',
  'peer-other-genesis': 'it is on another network: its chain starts from another genesis block',
  'peer-other-profile': 'it follows the {profile} profile, this node the {ours} profile',
  'peer-other-difficulty': 'its difficulty is {difficulty}, this node’s is {ourDifficulty}',

  // ── storage ──
  'storage-full': 'the disk holding {dir} is full: free some space, then try again',
  'storage-read-only':
    '{dir} is on a read-only disk: choose a writable data folder, or make this one writable',
  'storage-permission':
    'this app may not write in {dir}: give your user write permission on it, or choose another data folder',
  'storage-io': 'writing in {dir} failed ({error}): check the disk, then try again',
  'storage-locked':
    'another Blockparty node (process {pid}) is using {dir}: stop it, or choose another data folder',
  'storage-torn-tail':
    'the last record in {file} was only partly written (the app probably stopped while saving it) and was dropped',
  'storage-damaged-chain':
    '{file} is damaged at block {block} ({reason}). The whole file was kept as {aside}. The node kept the first {kept} and put the transactions of the {cut} after them back in the pending pool. To go back to the old file, stop the node and copy {aside} over {file}.',
  'storage-damaged-state':
    '{file} could not be read ({error}). It was kept as {aside}. The node id and {peers} were recovered from it; the settings are back to their defaults.',
  'storage-damaged-state-lost':
    '{file} could not be read ({error}). It was kept as {aside}. Nothing could be recovered from it: this node has a new id, no peers and the default settings.',
  'log-line-unknown': 'line {line} is neither a block nor a record',
  'log-record-unknown': 'line {line} is not a record this version knows',
  'log-tx-broken': 'line {line} is not a whole transaction record',
  'log-group-broken': 'line {line} should be block {block} of a {kind} record',
  'storage-bad-value': 'the saved {what} in {file} was not valid and was reset: {reason}',
  'storage-migrated': 'moved {pending} from {file} into {log}',

  // ── operations ──
  'pool-full':
    'The pending pool holds {max} transactions, the most it keeps: mine a block to make room, then send it again.',
  'mining-cancelled': 'Mining was stopped before a proof was found.',
  'node-closed': 'The node is shutting down.',
  'not-found-block': 'There is no block {index}: the chain has {height}.',
  'not-found-peer': '{address} is not in the peer list.',
  'not-found-route': 'There is no route {method} {path} on this node.',
  'remote-mining-disabled':
    'Mining from another machine is turned off on this node: press Mine on the node itself, or ask its owner to allow remote /mine in Settings.',
  'body-too-large': 'The body is larger than {max} bytes.',
  'invalid-json': 'The body is not valid JSON: {error}.',
  'request-invalid': '“{field}” must be {expected}.',
  'bad-request': 'The request was refused: {error}',
  'path-refused': 'The path {path} is not allowed.',
  'not-found-file': 'No file {path}.',
  'no-dashboard': 'This node serves no dashboard.',
  'dashboard-not-built': 'The dashboard is not built: run `npm run build` first.',
  unauthorized: 'Open the dashboard with the address the node printed (it carries the token).',
  'forbidden-host': 'This dashboard only answers to 127.0.0.1.',
  'forbidden-origin': 'Requests from other sites are refused.',
  'forbidden-sender': 'This request did not come from the dashboard.',
  'cross-site-refused':
    'Refused {what}: a web page ({site}) made your browser send it, and web pages must not drive this node behind your back. Send it with curl, Postman, a script or another node, type the address in the address bar yourself, or use the dashboard.',
  internal: 'Unexpected error inside the node: {error}',

  // ── activity lines ──
  'node-started': 'Node started with {blocks} and {pending}',
  'storage-notice': 'Storage: {reason}',
  'transaction-refused': 'Transaction refused: {reason}',
  'transaction-save-failed': 'The transaction was not added: {reason}',
  'transaction-queued': 'Transaction {tx} will go into block {index}',
  'peer-added': 'Peer {peer} added',
  'address-refused': 'Address “{input}” refused: {reason}',
  'peer-removed': 'Peer {peer} removed',
  'profile-changed': 'Profile changed to {profile}: the chain restarted from a new genesis block',
  'difficulty-changed': 'Difficulty changed to {difficulty}',
  'chain-reset': 'Chain reset to a new genesis block; pending transactions cleared',
  'auto-mine-stopped': 'Auto-mine stopped: {reason}',
  mined: 'Mined block {index} with proof {proof} in {seconds} s',
  'chain-save-failed': 'The chain was not saved, so nothing changed: {reason}',
  'peer-failed': 'Peer {peer}: {reason}',
  'resolve-ignored':
    'Resolve ignored: the profile or difficulty changed while peers were asked; resolve again',
  'chain-kept': 'Our chain ({blocks}) is authoritative',
  'chain-won': '{peer} resolved and adopted our chain ({blocks}): our blocks won there',
  'chain-replaced': 'Chain replaced by {peer}’s: {blocks} beat our {ours}',
  'chain-replaced-restored':
    'Chain replaced by {peer}’s: {blocks} beat our {ours}; {restored} back in the pending pool',
  'server-error': 'The peer server failed: {error}',
  'block-received': 'Block #{index} from {peer} arrived {ms} ms after it was mined',
  'block-received-late': 'Block #{index} from {peer} arrived',
  'block-rejected': 'Block #{index} from {peer} refused: {reason}',
  'chain-reorg':
    'Switched to the longer branch of {peer}: {replaced} replaced from block #{from}, now {blocks}',
  'chain-synced': 'Caught up with {peer}: {added} added, now {blocks}',
  'network-joined': 'Joined the network of {peer}: its chain of {blocks} replaced our {ours}',
  'peer-introduced': '{name} ({peer}) introduced itself',
  'peer-offline': 'Peer {peer} stopped answering',
  'peer-online': 'Peer {peer} is back',
  'rebind-failed': 'The peer server could not move to the new port or interface: {error}',
} as const;

/** One of the codes of {@link MESSAGES}. */
export type MessageCode = keyof typeof MESSAGES;

/** Every code, in table order. */
export const MESSAGE_CODES = Object.keys(MESSAGES) as MessageCode[];

/** A value a message is worded with: a number, a display string, or a message of its own. */
export type MessageParam = string | number | Message;

/** A sentence as a code and its parameters, rendered by whoever shows it. */
export interface Message {
  code: MessageCode;
  params: Record<string, MessageParam>;
}

/**
 * Plural phrases for count parameters, in vue-i18n's `zero | one | many` form with `{n}`: a number
 * parameter of one of these names is put in as the phrase.
 */
export const COUNT_PHRASES = {
  blocks: 'no blocks | 1 block | {n} blocks',
  pending: 'no pending transactions | 1 pending transaction | {n} pending transactions',
  restored: 'no transactions | 1 transaction | {n} transactions',
  transactions: 'no transactions | 1 transaction | {n} transactions',
  kept: 'no blocks | 1 block | {n} blocks',
  cut: 'no blocks | 1 block | {n} blocks',
  ours: 'no blocks | 1 block | {n} blocks',
  height: 'no blocks | 1 block | {n} blocks',
  peers: 'no peers | 1 peer | {n} peers',
  nodes: 'no nodes | 1 node | {n} nodes',
  added: 'no blocks | 1 block | {n} blocks',
  replaced: 'no blocks | 1 block | {n} blocks',
} as const;

/** Builds a message (the one place messages are made, so codes are checked by the compiler). */
export function message(code: MessageCode, params: Record<string, MessageParam> = {}): Message {
  return { code, params };
}

/** Whether a value looks like a {@link Message} (it may come from another version of the node). */
export function isMessage(value: unknown): value is Message {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Message).code === 'string' &&
    typeof (value as Message).params === 'object' &&
    (value as Message).params !== null
  );
}

function pluralPhrase(phrases: string, count: number): string {
  const forms = phrases.split('|').map((form) => form.trim());
  const form = forms.length === 3 ? forms[Math.min(count, 2)]! : forms[count === 1 ? 0 : 1]!;
  return form.replaceAll('{n}', String(count));
}

/** The English text of a message (nested messages and count phrases included). */
export function renderMessage(m: Message): string {
  const template: string = MESSAGES[m.code] ?? m.code;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = m.params[name];
    if (value === undefined) return whole;
    if (typeof value === 'number') {
      const phrases = (COUNT_PHRASES as Record<string, string>)[name];
      return phrases === undefined ? String(value) : pluralPhrase(phrases, value);
    }
    return typeof value === 'string' ? value : renderMessage(value);
  });
}
