// The langchain adapter through replay (fixtures/cassettes/llm-langchain-*); see adapter-suite.ts.
import { adapterSuite } from './adapter-suite.js';

adapterSuite('langchain');
