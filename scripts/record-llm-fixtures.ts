// Regenerates the cassettes the LLM adapter tests replay (fixtures/cassettes/llm-*):
// every scenario of test/llm/scenarios.ts is run with the real SDKs against a fresh fake
// provider server (127.0.0.1, port 0) while nock records the HTTP exchanges.
//
//   npx tsx scripts/record-llm-fixtures.ts            # all cassettes
//   npx tsx scripts/record-llm-fixtures.ts openai     # only cassettes whose name contains "openai"
//
// The output is deterministic (fake request ids and timestamps are counters), so re-recording
// without code changes leaves the files as they are, apart from the fake server's port in
// `request.origin`, which is informational.
import { start } from '../src/llm/fake-server.js';
import { startRecording, stopRecording } from '../src/llm/cassette.js';
import { createFakeClock } from '../src/llm/queue.js';
import { ADAPTERS, CASES, FAKE_ANTHROPIC_KEY, FAKE_OPENAI_KEY, buildProvider, scenario } from '../test/llm/scenarios.js';

const filter = process.argv[2];

for (const kind of ADAPTERS) {
  for (const c of CASES) {
    const s = scenario(kind, c);
    if (filter && !s.cassette.includes(filter)) continue;
    // A fresh server per cassette: request ids, prompt-cache state and fault queue start over.
    const server = await start({ cacheMinTokens: 0 });
    try {
      server.pushFault(...s.faults);
      await startRecording(s.cassette, { secrets: [FAKE_OPENAI_KEY, FAKE_ANTHROPIC_KEY] });
      const { provider } = buildProvider(kind, { openai: server.openaiBaseURL, anthropic: server.anthropicBaseURL }, createFakeClock());
      try {
        for (const call of s.calls) {
          const r = await provider.complete(call);
          process.stdout.write(`${s.cassette}: ${r.provider}/${r.model} attempts=${r.attempts} in=${r.usage.inputTokens} cached=${r.usage.cachedInputTokens} out=${r.usage.outputTokens}\n`);
        }
      } finally {
        const { files } = await stopRecording();
        process.stdout.write(`${s.cassette}: wrote ${files.length} exchange(s)\n`);
      }
    } finally {
      await server.close();
    }
  }
}
