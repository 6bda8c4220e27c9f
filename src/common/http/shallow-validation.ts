import { applyDecorators, type Type as Class, ValidationPipe, type ValidationPipeOptions } from '@nestjs/common';
import { ValidateNested } from 'class-validator';
import { isJsonObject } from '../json';

/** Keys that reach the prototype chain when assigned; JSON.parse keeps them as own keys. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** DTO class → its properties that hold a nested DTO, as declared with {@link NestedDto}. */
const nestedDtos = new WeakMap<object, Map<string, () => Class<unknown>>>();

/** A property holding a nested DTO: instantiated by {@link BodyValidationPipe} and validated as one. */
export function NestedDto(type: () => Class<unknown>): PropertyDecorator {
  const record: PropertyDecorator = (target, key) => {
    const own = nestedDtos.get(target.constructor) ?? new Map<string, () => Class<unknown>>();
    own.set(String(key), type);
    nestedDtos.set(target.constructor, own);
  };
  return applyDecorators(ValidateNested(), record);
}

/** The DTO instance of a body: its top level, and declared nested DTOs; nothing below is copied. */
function shallowInstance<T>(metatype: Class<T>, plain: unknown): T {
  if (!isJsonObject(plain)) return plain as T;
  const instance = new metatype() as Record<string, unknown>;
  for (const key of Object.keys(plain)) if (!UNSAFE_KEYS.has(key)) instance[key] = plain[key];
  for (const [key, type] of nestedDtos.get(metatype) ?? []) {
    if (isJsonObject(plain[key])) instance[key] = shallowInstance(type(), plain[key]);
  }
  return instance as T;
}

/**
 * Nest's ValidationPipe, without its walks over the whole value. Before validating, it copies every
 * value with class-transformer and visits every object twice more (prototype keys, array gaps):
 * one to two microseconds per JSON value, seconds of a blocked event loop for a large body of
 * small values. Our DTOs validate top-level fields only (the converters check messages and
 * blocks); bodies come from JSON.parse, which makes no sparse arrays, and `readJsonBody` removes
 * prototype keys wherever they occur. With `transform: false` handlers get the body as parsed.
 */
export class BodyValidationPipe extends ValidationPipe {
  constructor(options: Omit<ValidationPipeOptions, 'transformerPackage'> = {}) {
    super({ ...options, transformerPackage: { plainToInstance: shallowInstance, classToPlain: (value: unknown) => value as Record<string, unknown> } });
  }

  protected override stripProtoKeys(): void {
    // done by readJsonBody, on the bytes
  }

  protected override closeArrayGaps(): void {
    // JSON has no sparse arrays
  }
}
