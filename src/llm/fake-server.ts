// A fake LLM provider server for tests, pipeline tests and experiments: 127.0.0.1, port 0.
//   POST /v1/chat/completions   OpenAI-compatible (JSON and SSE with stream_options.include_usage)
//   POST /v1/messages           Anthropic-compatible (JSON and SSE message_start … message_stop)
// Answers come from a pluggable responder; faults (429, 5xx, stalls, truncated or
// schema-breaking answers, dropped connections) are queued with pushFault(). Every request
// received is kept in `requests`. Usage numbers are estimated at ≈ 4 characters per token;
// the system prompt is "cached" the second time it is seen, as the real providers do.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage } from './types.js';

export type FakeProvider = 'openai' | 'anthropic';

/** What the responder sees: the request reduced to plain text, plus the raw body. */
export interface FakeChatRequest {
  provider: FakeProvider;
  model: string;
  system: string;
  messages: ChatMessage[];
  /** 'migration' | 'review' | ...: response_format / tool name, else guessed from the JSON schema. */
  schemaName?: string;
  /** The JSON schema the client asked the answer to follow, if any. */
  schema?: Record<string, unknown>;
  stream: boolean;
  body: Record<string, unknown>;
}

/** A string is sent as is; anything else is JSON-stringified (or used as tool input). */
export type FakeAnswer = string | Record<string, unknown> | unknown[];
export type Responder = (req: FakeChatRequest) => FakeAnswer | Promise<FakeAnswer>;

export type Fault = (
  | { kind: 'rate_limit'; /** Retry-After: seconds, or an HTTP-date string. */ retryAfter?: number | string; retryAfterMs?: number }
  | { kind: 'server_error'; status?: number }
  /** Hold the response for ms, then answer normally (if the client is still there). */
  | { kind: 'stall'; ms: number }
  /** The answer cut in half: finish_reason "length" / stop_reason "max_tokens". */
  | { kind: 'truncated' }
  /** Valid JSON that breaks the schema (default: an object with none of the fields). */
  | { kind: 'schema_violation'; answer?: FakeAnswer }
  /** Destroy the socket without answering. */
  | { kind: 'disconnect' }
) & { provider?: FakeProvider };

export interface ReceivedRequest extends FakeChatRequest {
  index: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
  fault?: Fault['kind'];
}

export interface FakeServerOptions {
  responder?: Responder;
  /** Prompts shorter than this (tokens) are never cached (real providers: 1024). Default 1024. */
  cacheMinTokens?: number;
  /** Time source for receivedAt (default Date.now). */
  now?: () => number;
}

export interface FakeServer {
  url: string;
  /** For OpenAI SDK / ChatOpenAI baseURL. */
  openaiBaseURL: string;
  /** For the Anthropic SDK baseURL. */
  anthropicBaseURL: string;
  requests: ReceivedRequest[];
  pushFault(...faults: Fault[]): void;
  /** Faults not consumed yet. */
  readonly pendingFaults: readonly Fault[];
  setResponder(responder: Responder): void;
  close(): Promise<void>;
}

export const tokensOf = (text: string): number => Math.ceil(text.length / 4);

export const DEFAULT_MIGRATION_ANSWER = {
  title: 'Add the requested table',
  rationale: 'A narrow table with an identity key keeps the change additive and easy to roll back.',
  up_sql:
    'CREATE TABLE IF NOT EXISTS fake_entry (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  created_at timestamptz NOT NULL DEFAULT now()\n);',
  down_sql: 'DROP TABLE IF EXISTS fake_entry;',
  notes: 'No data is touched.',
};

export const DEFAULT_REVIEW_ANSWER = {
  verdict: 'approve',
  summary: 'Additive change with a working down migration.',
  comments: [{ severity: 'nit', message: 'Consider a comment on the table.', rule: null }],
};

/** Valid MigrationAnswer / ReviewAnswer by schemaName, else a minimal instance of the JSON schema. */
export const defaultResponder: Responder = (req) => {
  if (req.schemaName === 'migration') return { ...DEFAULT_MIGRATION_ANSWER };
  if (req.schemaName === 'review') return structuredClone(DEFAULT_REVIEW_ANSWER);
  if (req.schema) return exampleFromJsonSchema(req.schema) as FakeAnswer;
  return 'OK';
};

/** Builds a minimal value that satisfies a JSON schema (enough for the shapes zod emits). */
export function exampleFromJsonSchema(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 20) return null;
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const parts = s.$ref.replace(/^#\//, '').split('/');
    let target: unknown = root;
    for (const p of parts) target = (target as Record<string, unknown> | undefined)?.[p];
    return exampleFromJsonSchema(target, root, depth + 1);
  }
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = s[key];
    if (Array.isArray(list) && list.length) {
      const nonNull = list.find((x) => (x as { type?: unknown })?.type !== 'null') ?? list[0];
      return exampleFromJsonSchema(nonNull, root, depth + 1);
    }
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleFromJsonSchema(v, root, depth + 1)]));
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      return Array.from({ length: min }, () => exampleFromJsonSchema(s.items, root, depth + 1));
    }
    case 'string':
      return 'example'.padEnd(typeof s.minLength === 'number' ? s.minLength : 0, 'x');
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return null;
  }
}

function guessSchemaName(schema: unknown): string | undefined {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!props) return undefined;
  if ('up_sql' in props) return 'migration';
  if ('verdict' in props) return 'review';
  return undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => {
        const part = p as { type?: string; text?: string; input?: unknown; content?: unknown };
        if (typeof part.text === 'string') return part.text;
        if (part.type === 'tool_use') return JSON.stringify(part.input ?? {});
        if (part.type === 'tool_result') return textOf(part.content);
        return '';
      })
      .join('');
  }
  return content == null ? '' : JSON.stringify(content);
}

type Body = Record<string, unknown>;

function describeOpenAI(body: Body): FakeChatRequest & { toolName?: string } {
  const msgs = (Array.isArray(body.messages) ? body.messages : []) as Array<{ role?: string; content?: unknown; tool_calls?: Array<{ function?: { arguments?: string } }> }>;
  const system = msgs.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOf(m.content)).join('\n');
  const messages: ChatMessage[] = msgs
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({
      role: m.role as 'user' | 'assistant',
      content: textOf(m.content) || (m.tool_calls ?? []).map((t) => t.function?.arguments ?? '').join(''),
    }));
  const rf = body.response_format as { type?: string; json_schema?: { name?: string; schema?: Body } } | undefined;
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ function?: { name?: string; parameters?: Body } }>;
  const choice = body.tool_choice as { function?: { name?: string } } | string | undefined;
  const forced = typeof choice === 'object' ? choice?.function?.name : undefined;
  const useTool = tools.length > 0 && (forced !== undefined || choice === 'required' || rf === undefined);
  const tool = useTool ? (tools.find((t) => t.function?.name === forced) ?? tools[0]) : undefined;
  const schema = rf?.type === 'json_schema' ? rf.json_schema?.schema : tool?.function?.parameters;
  const schemaName = rf?.json_schema?.name ?? tool?.function?.name ?? guessSchemaName(schema);
  return {
    provider: 'openai',
    model: String(body.model ?? ''),
    system,
    messages,
    ...(schemaName ? { schemaName } : {}),
    ...(schema ? { schema } : {}),
    stream: body.stream === true,
    body,
    ...(tool?.function?.name ? { toolName: tool.function.name } : {}),
  };
}

function describeAnthropic(body: Body): FakeChatRequest & { toolName?: string; cacheableSystem: string } {
  const sys = body.system;
  const system = textOf(sys);
  const cacheableSystem = Array.isArray(sys)
    ? (sys as Array<{ text?: string; cache_control?: unknown }>)
        .slice(0, (sys as Array<{ cache_control?: unknown }>).map((b) => !!b.cache_control).lastIndexOf(true) + 1)
        .map((b) => b.text ?? '')
        .join('\n')
    : '';
  const msgs = (Array.isArray(body.messages) ? body.messages : []) as Array<{ role?: string; content?: unknown }>;
  const messages: ChatMessage[] = msgs.map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: textOf(m.content) }));
  const fmt = (body.output_config as { format?: { type?: string; schema?: Body } } | undefined)?.format;
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Array<{ name?: string; input_schema?: Body }>;
  const choice = body.tool_choice as { type?: string; name?: string } | undefined;
  const useTool = tools.length > 0 && (choice?.type === 'tool' || choice?.type === 'any');
  const tool = useTool ? (tools.find((t) => t.name === choice?.name) ?? tools[0]) : undefined;
  const schema = fmt?.type === 'json_schema' ? fmt.schema : tool?.input_schema;
  const schemaName = tool?.name ?? guessSchemaName(schema) ?? (typeof schema?.title === 'string' ? schema.title : undefined);
  return {
    provider: 'anthropic',
    model: String(body.model ?? ''),
    system,
    messages,
    ...(schemaName ? { schemaName } : {}),
    ...(schema ? { schema } : {}),
    stream: body.stream === true,
    body,
    ...(tool?.name ? { toolName: tool.name } : {}),
    cacheableSystem,
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function start(options: FakeServerOptions = {}): Promise<FakeServer> {
  let responder: Responder = options.responder ?? defaultResponder;
  const cacheMin = options.cacheMinTokens ?? 1024;
  const now = options.now ?? Date.now;
  const faults: Fault[] = [];
  const requests: ReceivedRequest[] = [];
  const seenPrefixes = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let counter = 0;

  const takeFault = (provider: FakeProvider): Fault | undefined => {
    const i = faults.findIndex((f) => f.provider === undefined || f.provider === provider);
    return i < 0 ? undefined : faults.splice(i, 1)[0];
  };

  const sendJson = (res: http.ServerResponse, status: number, headers: Record<string, string>, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const path = (req.url ?? '').split('?')[0]!;
      const provider: FakeProvider | undefined =
        req.method === 'POST' && path.endsWith('/chat/completions') ? 'openai' : req.method === 'POST' && path.endsWith('/messages') ? 'anthropic' : undefined;
      if (!provider) return sendJson(res, 404, {}, { error: { message: `fake server: no route for ${req.method} ${path}` } });
      let body: Body;
      try {
        body = JSON.parse(raw || '{}') as Body;
      } catch {
        return sendJson(res, 400, {}, { error: { message: 'fake server: the body is not JSON' } });
      }
      counter++;
      const n = String(counter).padStart(6, '0');
      const requestId = `req_fake${n}`;
      const described = provider === 'openai' ? describeOpenAI(body) : describeAnthropic(body);
      const fault = takeFault(provider);
      const { toolName, ...chat } = described as FakeChatRequest & { toolName?: string; cacheableSystem?: string };
      delete (chat as { cacheableSystem?: string }).cacheableSystem;
      requests.push({ ...chat, index: counter, method: req.method ?? 'POST', path, headers: req.headers, receivedAt: now(), ...(fault ? { fault: fault.kind } : {}) });
      const idHeader: Record<string, string> = provider === 'openai' ? { 'x-request-id': requestId } : { 'request-id': requestId };

      if (fault?.kind === 'disconnect') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'rate_limit') {
        const h: Record<string, string> = { ...idHeader };
        if (fault.retryAfter !== undefined) h['retry-after'] = String(fault.retryAfter);
        if (fault.retryAfterMs !== undefined) h['retry-after-ms'] = String(fault.retryAfterMs);
        if (fault.retryAfter === undefined && fault.retryAfterMs === undefined) h['retry-after'] = '1';
        return sendJson(
          res,
          429,
          h,
          provider === 'openai'
            ? { error: { message: 'Rate limit reached for requests (fake server).', type: 'requests', param: null, code: 'rate_limit_exceeded' } }
            : { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit (fake server).' } },
        );
      }
      if (fault?.kind === 'server_error') {
        const status = fault.status ?? 500;
        return sendJson(
          res,
          status,
          idHeader,
          provider === 'openai'
            ? { error: { message: 'The server had an error while processing your request (fake server).', type: 'server_error', param: null, code: null } }
            : { type: 'error', error: { type: status === 529 ? 'overloaded_error' : 'api_error', message: 'Internal server error (fake server).' } },
        );
      }
      if (fault?.kind === 'stall') {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, fault.ms);
          timers.add(t);
        });
        if (res.destroyed || req.socket.destroyed) return;
      }

      let answer: FakeAnswer =
        fault?.kind === 'schema_violation'
          ? (fault.answer ?? { unexpected: 'this answer ignores the schema' })
          : await responder(chat);
      let text = typeof answer === 'string' ? answer : JSON.stringify(answer);
      const truncated = fault?.kind === 'truncated';
      if (truncated) {
        text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
        answer = text;
      }

      // Usage: ≈ chars/4; the cacheable prefix is "cached" from its second appearance on.
      const schemaTokens = chat.schema ? tokensOf(JSON.stringify(chat.schema)) : 0;
      const promptTokens =
        tokensOf(chat.system) + chat.messages.reduce((a, m) => a + tokensOf(m.content) + 4, 0) + schemaTokens + 3;
      const outputTokens = truncated ? Math.max(1, Number(body.max_tokens ?? body.max_completion_tokens ?? 0) || tokensOf(text)) : tokensOf(text);

      if (provider === 'openai') {
        const prefixTokens = tokensOf(chat.system);
        const key = `openai\u0000${chat.model}\u0000${chat.system}`;
        const cached = seenPrefixes.has(key) && promptTokens >= cacheMin ? Math.min(promptTokens, prefixTokens) : 0;
        seenPrefixes.add(key);
        const usage = {
          prompt_tokens: promptTokens,
          completion_tokens: outputTokens,
          total_tokens: promptTokens + outputTokens,
          prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        };
        const id = `chatcmpl-fake${n}`;
        const created = 1_700_000_000 + counter;
        const finish = truncated ? 'length' : toolName ? 'tool_calls' : 'stop';
        const toolCall = toolName ? { id: `call_fake${n}`, type: 'function', function: { name: toolName, arguments: text } } : undefined;
        if (!chat.stream) {
          return sendJson(res, 200, idHeader, {
            id,
            object: 'chat.completion',
            created,
            model: chat.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: toolCall ? null : text, refusal: null, annotations: [], ...(toolCall ? { tool_calls: [toolCall] } : {}) },
                logprobs: null,
                finish_reason: finish,
              },
            ],
            usage,
            service_tier: 'default',
            system_fingerprint: 'fp_fake',
          });
        }
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...idHeader });
        const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
          res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: chat.model, system_fingerprint: 'fp_fake', choices, ...extra })}\n\n`);
        const pieces = text.match(/[\s\S]{1,24}/g) ?? [''];
        if (toolCall) {
          chunk([{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolName, arguments: '' } }] }, finish_reason: null }]);
          for (const p of pieces) chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: p } }] }, finish_reason: null }]);
        } else {
          chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null }]);
          for (const p of pieces) chunk([{ index: 0, delta: { content: p }, finish_reason: null }]);
        }
        chunk([{ index: 0, delta: {}, finish_reason: finish }]);
        const so = body.stream_options as { include_usage?: boolean } | undefined;
        if (so?.include_usage) chunk([], { usage });
        res.end('data: [DONE]\n\n');
        return;
      }

      // Anthropic
      const cacheable = (described as unknown as { cacheableSystem?: string }).cacheableSystem ?? '';
      const cacheTokens = cacheable ? tokensOf(cacheable) : 0;
      const key = `anthropic\u0000${chat.model}\u0000${cacheable}`;
      const eligible = cacheable !== '' && cacheTokens >= cacheMin;
      const read = eligible && seenPrefixes.has(key) ? cacheTokens : 0;
      const write = eligible && !seenPrefixes.has(key) ? cacheTokens : 0;
      if (eligible) seenPrefixes.add(key);
      const usage = {
        input_tokens: Math.max(0, promptTokens - read - write),
        output_tokens: outputTokens,
        cache_creation_input_tokens: write,
        cache_read_input_tokens: read,
        cache_creation: { ephemeral_5m_input_tokens: write, ephemeral_1h_input_tokens: 0 },
        server_tool_use: null,
        service_tier: 'standard',
      };
      const id = `msg_fake${n}`;
      let toolInput: unknown;
      if (toolName && !truncated) {
        try {
          toolInput = typeof answer === 'string' ? JSON.parse(answer) : answer;
        } catch {
          toolInput = undefined;
        }
      }
      const useTool = toolName !== undefined && toolInput !== undefined;
      const stopReason = truncated ? 'max_tokens' : useTool ? 'tool_use' : 'end_turn';
      const block = useTool
        ? { type: 'tool_use', id: `toolu_fake${n}`, name: toolName, input: toolInput }
        : { type: 'text', text };
      if (!chat.stream) {
        return sendJson(res, 200, idHeader, {
          id,
          type: 'message',
          role: 'assistant',
          model: chat.model,
          content: [block],
          stop_reason: stopReason,
          stop_sequence: null,
          usage,
        });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...idHeader });
      const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      event('message_start', {
        message: { id, type: 'message', role: 'assistant', model: chat.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
      });
      event('content_block_start', { index: 0, content_block: useTool ? { ...block, input: {} } : { type: 'text', text: '' } });
      event('ping', {});
      const streamText = useTool ? JSON.stringify(toolInput) : text;
      for (const p of streamText.match(/[\s\S]{1,24}/g) ?? []) {
        event('content_block_delta', { index: 0, delta: useTool ? { type: 'input_json_delta', partial_json: p } : { type: 'text_delta', text: p } });
      }
      event('content_block_stop', { index: 0 });
      event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } });
      event('message_stop', {});
      res.end();
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, {}, { error: { message: `fake server bug: ${(err as Error).message}` } });
      else res.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    pushFault: (...f) => void faults.push(...f),
    get pendingFaults() {
      return faults as readonly Fault[];
    },
    setResponder: (r) => void (responder = r),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { start as startFakeServer };
