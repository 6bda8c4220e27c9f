// What applications build on LangChain.js and the Vercel AI SDK do beyond the README's hello:
// a tool loop the framework runs itself, and structured output parsed into a schema, on every
// route each framework speaks. Prints one JSON line per check; the spec reads them.
// Usage: GATEWAY_URL=http://127.0.0.1:PORT PROXY_API_KEY=… node tool-loops.mjs
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { tool as langchainTool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';

const url = process.env.GATEWAY_URL;
const apiKey = process.env.PROXY_API_KEY;
const CALL = '[sim:call weather {"city":"Paris"}]';
const person = z.object({ name: z.string(), age: z.number(), tags: z.array(z.string()) });

async function check(name, run) {
  try {
    console.log(JSON.stringify({ name, result: await run() }));
  } catch (err) {
    console.log(JSON.stringify({ name, error: String(err?.message ?? err).slice(0, 500) }));
  }
}

// Vercel AI SDK: Anthropic provider (Messages), OpenAI provider (Responses), OpenAI chat, openai-compatible.
const weather = tool({ description: 'Current weather', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `sunny in ${city}` });
const aiModels = {
  anthropic: createAnthropic({ baseURL: `${url}/v1`, apiKey })('claude-sonnet-4-5'),
  responses: createOpenAI({ baseURL: `${url}/v1`, apiKey })('claude-sonnet-4.5'),
  chat: createOpenAI({ baseURL: `${url}/v1`, apiKey }).chat('claude-sonnet-4.5'),
  compatible: createOpenAICompatible({ name: 'kiro', baseURL: `${url}/v1`, apiKey, supportsStructuredOutputs: true })('claude-sonnet-4.5'),
};
for (const [route, model] of Object.entries(aiModels)) {
  await check(`ai-sdk ${route} tool loop`, async () => {
    const { steps, text } = await generateText({ model, tools: { weather }, stopWhen: stepCountIs(3), prompt: CALL });
    return { steps: steps.length, text };
  });
  await check(`ai-sdk ${route} streamed tool loop`, async () => {
    const result = streamText({ model, tools: { weather }, stopWhen: stepCountIs(3), prompt: CALL });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    return { steps: (await result.steps).length, text };
  });
  await check(`ai-sdk ${route} object`, async () => (await generateObject({ model, schema: person, prompt: 'Extract the person.' })).object);
}

// LangChain.js: chat completions and the Responses API.
const lcWeather = langchainTool(async ({ city }) => `sunny in ${city}`, { name: 'weather', description: 'Current weather', schema: z.object({ city: z.string() }) });
for (const [route, useResponsesApi] of [['chat', false], ['responses', true]]) {
  const llm = new ChatOpenAI({ model: 'claude-sonnet-4.5', apiKey, configuration: { baseURL: `${url}/v1` }, maxRetries: 0, useResponsesApi });
  await check(`langchain ${route} tool loop`, async () => {
    const withTools = llm.bindTools([lcWeather]);
    const messages = [{ role: 'user', content: CALL }];
    const first = await withTools.invoke(messages);
    const results = await Promise.all(first.tool_calls.map((call) => lcWeather.invoke(call)));
    const second = await withTools.invoke([...messages, first, ...results]);
    return { calls: first.tool_calls.map((call) => ({ name: call.name, args: call.args })), text: second.text };
  });
  await check(`langchain ${route} structured`, async () => await llm.withStructuredOutput(person, { name: 'person' }).invoke('Extract the person.'));
}
