import { contextUsagePercentage, KIRO_SYSTEM_PROMPT_TOKENS, type PromptBody } from './context-usage';

function body(content: string, modelId = 'claude-sonnet-4.5', extra: Partial<PromptBody['conversationState']> = {}): PromptBody {
  return { conversationState: { currentMessage: { userInputMessage: { content, modelId } }, ...extra } };
}

describe(contextUsagePercentage.name, () => {
  it("is Kiro's system prompt and the prompt's tokens over the model's context window", () => {
    expect(contextUsagePercentage(body('Hello!'))).toBeCloseTo(((KIRO_SYSTEM_PROMPT_TOKENS + 2) / 200_000) * 100, 12);
    expect(contextUsagePercentage(body('Hello!', 'claude-sonnet-4.6'))).toBeCloseTo(((KIRO_SYSTEM_PROMPT_TOKENS + 2) / 1_000_000) * 100, 12);
  });

  it("leaves out the gateway's thinking-mode tags", () => {
    const tagged = '<thinking_mode>enabled</thinking_mode>\n<max_thinking_length>4000</max_thinking_length>\n\nHello!';

    expect(contextUsagePercentage(body(tagged))).toBe(contextUsagePercentage(body('Hello!')));
  });

  it('counts history, tool calls and tools too', () => {
    const history: PromptBody['conversationState']['history'] = [
      { userInputMessage: { content: 'What is the weather in Paris?' } },
      { assistantResponseMessage: { content: 'Let me check.', toolUses: [{ name: 'get_weather', input: { city: 'Paris' } }] } },
    ];

    const promptTokens = (percentage: number) => (percentage / 100) * 200_000 - KIRO_SYSTEM_PROMPT_TOKENS;
    expect(promptTokens(contextUsagePercentage(body('Thanks', 'auto', { history })))).toBeGreaterThan(promptTokens(contextUsagePercentage(body('Thanks', 'auto'))) * 5);
  });
});
