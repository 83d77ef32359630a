// The anthropic adapter through replay (fixtures/cassettes/llm-anthropic-*); see adapter-suite.ts.
import { adapterSuite } from './adapter-suite.js';

adapterSuite('anthropic');
