// The openai adapter through replay (fixtures/cassettes/llm-openai-*); see adapter-suite.ts.
import { adapterSuite } from './adapter-suite.js';

adapterSuite('openai');
