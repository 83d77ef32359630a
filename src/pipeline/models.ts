// Which model answers for the personas and for the reviewer: config file, then CLI flags.
import { z } from 'zod';
import type { Scenario } from '../scenario/types.js';
import type { ModelSettings } from '../agents/writer.js';
import { ScriptedProvider } from '../llm/providers/scripted.js';
import { SchemacrewError, ExitCode } from '../errors.js';

export const ModelConfigSchema = z
  .object({
    provider: z.enum(['scripted', 'openai', 'anthropic', 'langchain']),
    model: z.string().optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    baseURL: z.string().url().optional(),
    concurrency: z.number().int().positive().optional(),
    requestsPerMinute: z.number().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export interface Models {
  writer: ModelSettings;
  reviewer: ModelSettings;
  describe: { persona: string; reviewer: string };
  close(): Promise<void>;
}

interface BuildInput {
  config: { persona?: ModelConfig | undefined; reviewer?: ModelConfig | undefined };
  flags: { provider?: string; model?: string; reviewerProvider?: string; reviewerModel?: string; seed?: number; record?: string; replay?: string };
  env: NodeJS.ProcessEnv;
  scenario: Scenario;
}

export async function buildModels(input: BuildInput): Promise<Models> {
  const persona = { ...(input.config.persona ?? { provider: 'scripted' as const }) };
  if (input.flags.provider) persona.provider = input.flags.provider as ModelConfig['provider'];
  if (input.flags.model) persona.model = input.flags.model;
  const reviewer = { ...(input.config.reviewer ?? persona) };
  if (input.flags.reviewerProvider) reviewer.provider = input.flags.reviewerProvider as ModelConfig['provider'];
  if (input.flags.reviewerModel) reviewer.model = input.flags.reviewerModel;
  const scripted = new ScriptedProvider(input.scenario.roadmap);
  const settings = (cfg: ModelConfig): ModelSettings => {
    if (cfg.provider !== 'scripted') {
      throw new SchemacrewError(`provider "${cfg.provider}" is not wired into runs yet`, ExitCode.BadInput);
    }
    return { provider: scripted, model: 'scripted' };
  };
  const writer = settings(persona);
  const rev = settings(reviewer);
  return {
    writer,
    reviewer: rev,
    describe: { persona: `${persona.provider}${persona.model ? `:${persona.model}` : ''}`, reviewer: `${reviewer.provider}${reviewer.model ? `:${reviewer.model}` : ''}` },
    close: async () => {},
  };
}
