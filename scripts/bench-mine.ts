/** `npm run bench:mine` (the benchmark itself is scripts/bench/mine.ts, which `npm run bench` imports). */
import { main } from './bench/mine.ts';

await main();
