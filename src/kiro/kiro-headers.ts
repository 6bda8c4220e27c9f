import { randomUUID } from 'node:crypto';

/**
 * The IDE persona: Kiro caps history and treats requests differently when the User-Agent does
 * not carry a recent `KiroIDE-<version>-<machineId>` (kiro-protocol.md §2.2, §8).
 */
export const KIRO_IDE_VERSION = '0.11.107';
const SDK_VERSION = '1.0.34';
const NODE_VERSION = process.versions.node;

export interface KiroHeaderOptions {
  accessToken: string;
  machineId: string;
  attempt: number;
  maxAttempts: number;
  /** Streaming responses get `Connection: close` (CLOSE_WAIT leak, kiro-protocol.md §5 #3). */
  closeConnection: boolean;
  /** `API_KEY` when the bearer is a Kiro API key (HK `endpoint/ide.rs`). */
  tokenType?: string;
}

export function kiroHeaders(options: KiroHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.accessToken}`,
    'content-type': 'application/json',
    accept: 'application/vnd.amazon.eventstream, application/json',
    'user-agent': `aws-sdk-js/${SDK_VERSION} ua/2.1 os/${process.platform} lang/js md/nodejs#${NODE_VERSION} api/codewhispererstreaming#${SDK_VERSION} m/E KiroIDE-${KIRO_IDE_VERSION}-${options.machineId}`,
    'x-amz-user-agent': `aws-sdk-js/${SDK_VERSION} KiroIDE-${KIRO_IDE_VERSION}-${options.machineId}`,
    'x-amzn-codewhisperer-optout': 'true',
    'x-amzn-kiro-agent-mode': 'vibe',
    'amz-sdk-invocation-id': randomUUID(),
    'amz-sdk-request': `attempt=${options.attempt}; max=${options.maxAttempts}`,
  };
  if (options.closeConnection) headers.connection = 'close';
  if (options.tokenType) headers.tokentype = options.tokenType;
  return headers;
}
