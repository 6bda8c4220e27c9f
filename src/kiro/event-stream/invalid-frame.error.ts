import { GatewayError } from '../../common/errors/gateway-error';

/** The upstream byte stream cannot be decoded: a corrupt, truncated or oversized frame (502). */
export class InvalidFrameError extends GatewayError {
  constructor(detail: string) {
    super(`Invalid event-stream frame from Kiro: ${detail}`, { kind: 'upstream', code: 'upstream_decode_error' });
  }
}
