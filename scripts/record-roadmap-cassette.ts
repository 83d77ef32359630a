// Records the whole TaskPilot roadmap, OpenAI adapter, against the fake provider server (persona
// voices from fixtures/fake-team) into fixtures/cassettes/taskpilot-openai/. Offline and keyless:
//   npx tsx scripts/record-roadmap-cassette.ts [cassette-name]
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { start } from '../src/llm/fake-server.js';
import { createFakeTeam } from '../src/llm/fake-team.js';
import { loadScenario, scenarioDir } from '../src/scenario/scenario.js';
import { loadMistakeCatalog } from '../src/plan/mistakes.js';
import { launchRun } from '../src/pipeline/launch.js';
import { cassetteDir } from '../src/llm/cassette.js';

const name = process.argv[2] ?? 'taskpilot-openai';
const scenario = await loadScenario(scenarioDir('taskpilot'));
const mistakes = await loadMistakeCatalog(path.resolve('prompts'));
const server = await start({ responder: createFakeTeam({ scenario, mistakes }) });
await rm(cassetteDir(name), { recursive: true, force: true });
const env = { ...process.env, OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: 'sk-fake-recording-key-0000000000000000', DATABASE_URL: '' };
const code = await launchRun(
  { scenario: 'taskpilot', seed: 42, provider: 'openai', model: 'gpt-4o-mini', record: name, runsDir: path.resolve('runs'), runId: `record-${name}`, prompts: 'prompts', quiet: true },
  env,
);
await server.close();
console.log(`recorded ${server.requests.length} exchanges into ${cassetteDir(name)} (run exit code ${code})`);
process.exit(code);
