import { claudeReasoningSchema } from '../../test/simulator/native-reasoning';
import { clampEffort, effortForBudget, effortStep, nativeReasoningFields, nativeReasoningSupport, type NativeReasoningSupport } from './native-reasoning';

const GPT_SCHEMA = { type: 'object', properties: { reasoning: { type: 'object', properties: { effort: { type: 'string', enum: ['high', 'low', 'medium'] } } } } };
const DEFAULTS = { enabled: true, maxTokens: 4_000 };
const claude = (efforts: string[]) => nativeReasoningSupport(claudeReasoningSchema(efforts)) as NativeReasoningSupport;

describe(nativeReasoningSupport.name, () => {
  it('reads thinking types, displays and the efforts of a Claude schema', () => {
    const support = claude(['max', 'low', 'high']);

    expect([...support.thinkingTypes]).toEqual(['adaptive', 'disabled']);
    expect([...support.displays]).toEqual(['summarized', 'omitted']);
    expect(support.effort).toEqual({ path: 'output_config', values: ['low', 'high', 'max'] });
  });

  it('reads reasoning.effort of a GPT schema, lowest first', () => {
    expect(nativeReasoningSupport(GPT_SCHEMA)).toEqual({ thinkingTypes: new Set(), displays: new Set(), effort: { path: 'reasoning', values: ['low', 'medium', 'high'] } });
  });

  it('finds no native reasoning in a missing or unrelated schema', () => {
    expect(nativeReasoningSupport(undefined)).toBeUndefined();
    expect(nativeReasoningSupport({ type: 'object', properties: { temperature: { type: 'number' } } })).toBeUndefined();
  });
});

describe(effortForBudget.name, () => {
  it.each([
    [1_024, 'low'],
    [4_096, 'low'],
    [10_000, 'medium'],
    [16_384, 'medium'],
    [32_000, 'high'],
    [65_536, 'high'],
    [100_000, 'max'],
  ])('maps a budget of %i tokens to %s', (tokens, effort) => {
    expect(effortForBudget(tokens)).toBe(effort);
  });
});

describe(effortStep.name, () => {
  it('takes an effort as asked', () => {
    expect(effortStep({ kind: 'effort', effort: 'max' }, DEFAULTS)).toBe('max');
  });

  it('turns a budget into an effort', () => {
    expect(effortStep({ kind: 'budget', tokens: 20_000 }, DEFAULTS)).toBe('high');
  });

  it('is off when thinking is switched off', () => {
    expect(effortStep({ kind: 'off' }, DEFAULTS)).toBe('off');
  });

  it('follows the configured default when nothing is asked', () => {
    expect(effortStep(undefined, DEFAULTS)).toBe('low');
    expect(effortStep(undefined, { enabled: false, maxTokens: 4_000 })).toBe('off');
  });
});

describe(clampEffort.name, () => {
  it('keeps an advertised effort', () => {
    expect(clampEffort('medium', ['low', 'medium', 'high'])).toBe('medium');
  });

  it('clamps max to the highest advertised effort', () => {
    expect(clampEffort('max', ['low', 'medium', 'high'])).toBe('high');
  });

  it('takes xhigh as the max step', () => {
    expect(clampEffort('max', ['low', 'high', 'xhigh'])).toBe('xhigh');
  });

  it('takes the lower of two equally near efforts', () => {
    expect(clampEffort('medium', ['low', 'high'])).toBe('low');
  });
});

describe(nativeReasoningFields.name, () => {
  it('asks a Claude model for adaptive thinking, summarized, at the clamped effort', () => {
    expect(nativeReasoningFields('max', claude(['low', 'medium', 'high']))).toEqual({
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort: 'high' },
    });
  });

  it('passes display "omitted" on when the client asks for it', () => {
    expect(nativeReasoningFields('low', claude(['low']), 'omitted')).toEqual({ thinking: { type: 'adaptive', display: 'omitted' }, output_config: { effort: 'low' } });
  });

  it('switches thinking off where the model takes "disabled"', () => {
    expect(nativeReasoningFields('off', claude(['low']))).toEqual({ thinking: { type: 'disabled' } });
  });

  it('sends only reasoning.effort to a GPT model, and nothing to switch it off', () => {
    const gpt = nativeReasoningSupport(GPT_SCHEMA) as NativeReasoningSupport;

    expect(nativeReasoningFields('medium', gpt)).toEqual({ reasoning: { effort: 'medium' } });
    expect(nativeReasoningFields('off', gpt)).toBeUndefined();
  });

  it('leaves out members the schema does not list', () => {
    const noDisplay = nativeReasoningSupport({ properties: { thinking: { properties: { type: { enum: ['adaptive'] } } } } }) as NativeReasoningSupport;

    expect(nativeReasoningFields('high', noDisplay)).toEqual({ thinking: { type: 'adaptive' } });
  });
});
