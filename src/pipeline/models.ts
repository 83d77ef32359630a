// Which model answers for the personas and for the reviewer: config file, then CLI flags; keys
// checked before any work starts; optional record/replay of the HTTP traffic.
import { z } from 'zod';
import type { Scenario } from '../scenario/types.js';
import type { ModelSettings } from '../agents/writer.js';
import { ScriptedProvider } from '../llm/providers/scripted.js';
import { ProviderConfig, createProvider, validateProviderEnv } from '../llm/config.js';
import { replayCassette, startRecording, stopRecording } from '../llm/cassette.js';
import { SchemacrewError, ExitCode } from '../errors.js';

/** A role's provider config; `model` may be left out for the scripted provider. */
export const ModelConfigSchema = ProviderConfig.extend({ model: z.string().min(1).optional() });
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export interface Models {
  writer: ModelSettings;
  reviewer: ModelSettings;
  describe: { persona: string; reviewer: string };
  close(): Promise<void>;
}

export interface BuildInput {
  config: { persona?: ModelConfig | undefined; reviewer?: ModelConfig | undefined };
  flags: { provider?: string; model?: string; reviewerProvider?: string; reviewerModel?: string; seed?: number; record?: string; replay?: string };
  env: NodeJS.ProcessEnv;
  scenario: Scenario;
}

function describe(cfg: ModelConfig): string {
  return cfg.provider === 'scripted' ? 'scripted (no model)' : `${cfg.provider}:${cfg.model}`;
}

export async function buildModels(input: BuildInput): Promise<Models> {
  const { flags, env } = input;
  const persona: ModelConfig = { ...(input.config.persona ?? { provider: 'scripted' }) };
  if (flags.provider) persona.provider = flags.provider as ModelConfig['provider'];
  if (flags.model) persona.model = flags.model;
  const reviewer: ModelConfig = { ...(input.config.reviewer ?? persona) };
  if (flags.reviewerProvider) reviewer.provider = flags.reviewerProvider as ModelConfig['provider'];
  if (flags.reviewerModel) reviewer.model = flags.reviewerModel;
  const scripted = new ScriptedProvider(input.scenario.roadmap);
  const replaying = Boolean(flags.replay);
  for (const [role, cfg] of [['persona', persona], ['reviewer', reviewer]] as const) {
    if (cfg.provider !== 'scripted' && !cfg.model) {
      const flag = role === 'persona' ? '--model' : '--reviewer-model';
      throw new SchemacrewError(`${role}: provider "${cfg.provider}" needs a model: pass ${flag} or set ${role}.model in the config`, ExitCode.BadInput);
    }
    // Missing keys are reported here, before the database is touched.
    validateProviderEnv({ ...cfg, model: cfg.model ?? 'scripted' }, env, { scripted, role, replaying });
  }
  // Recording or replaying wraps every HTTP request of the process, so it starts before any call.
  const replay = flags.replay ? await replayCassette(flags.replay) : undefined;
  if (flags.record) await startRecording(flags.record);
  const settings = (cfg: ModelConfig, role: 'persona' | 'reviewer'): ModelSettings => ({
    provider: createProvider({ ...cfg, model: cfg.model ?? 'scripted' }, env, { scripted, role, replaying }),
    model: cfg.model ?? 'scripted',
    ...(cfg.temperature !== undefined ? { temperature: cfg.temperature } : {}),
    ...(cfg.maxTokens !== undefined ? { maxTokens: cfg.maxTokens } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
  });
  return {
    writer: settings(persona, 'persona'),
    reviewer: settings(reviewer, 'reviewer'),
    describe: { persona: describe(persona), reviewer: describe(reviewer) },
    close: async () => {
      replay?.restore();
      if (flags.record) await stopRecording();
    },
  };
}
