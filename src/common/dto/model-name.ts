import { applyDecorators } from '@nestjs/common';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/**
 * The longest model name a request may carry. Real ones are a few dozen characters; the name is
 * echoed in replies and logs and kept in the log-once set of routed names, so a client must not
 * choose its size.
 */
export const MAX_MODEL_NAME_LENGTH = 256;

/** `model` in every request DTO: a non-empty string of at most {@link MAX_MODEL_NAME_LENGTH} characters. */
export function IsModelName(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    IsNotEmpty(),
    MaxLength(MAX_MODEL_NAME_LENGTH, { message: `model must be at most ${MAX_MODEL_NAME_LENGTH} characters long (this gateway's bound on model names)` }),
  );
}
