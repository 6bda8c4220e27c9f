/** Public API of the Kiro upstream simulator (test/simulator). */
export {
  DEFAULT_SIM_OIDC_CLIENT,
  DEFAULT_SIM_PROFILE_ARN,
  DEFAULT_SIM_REFRESH_TOKEN,
  KiroSimulator,
  type OidcClient,
  type RecordedRequest,
  type SimulatorOptions,
  type SimulatorStats,
} from './kiro-simulator';
export {
  bearerTokenInvalid,
  contextTooLong,
  quotaExceeded,
  serverError,
  splitCodePoints,
  suspended,
  textEvents,
  textReply,
  throttled,
  toolCallEvents,
  toolCallReply,
  type DropScenario,
  type HangScenario,
  type HttpErrorScenario,
  type Scenario,
  type SimEvent,
  type StreamScenario,
  type TextReplyOptions,
  type ToolCallReplyOptions,
} from './scenarios';
export {
  overageLimitReached,
  SimAccount,
  suspiciousActivity,
  SUSPICIOUS_ACTIVITY_MESSAGE,
  type SimAccountOptions,
  type SimAccountStats,
  type SimFaultKind,
} from './sim-accounts';
export { encodeError, encodeEvent, encodeException, KIRO_EVENT_CONTENT_TYPE } from './event-stream-encoder';
export { encodeSimEvent } from './scenario-frames';
export {
  DEFAULT_MAX_PAYLOAD_BYTES,
  IMPROPERLY_FORMED,
  INVALID_MODEL,
  validateKiroRequest,
  type KiroErrorBody,
  type ValidateKiroRequestOptions,
  type Violation,
} from './kiro-request-validator';
export { SIM_DEFAULT_MODEL_ID, SIM_MODEL_CATALOG, SIM_MODEL_IDS, type ModelListPage, type SimModel } from './model-catalog';
export { findDirective, parseDirective, SIM_DIRECTIVE_HELP, SIM_DIRECTIVES, type ParsedDirective, type SimDirective } from './directives';
export { EVENT_STREAM_CONTENT_TYPE } from './scenario-player';
export { selfSignedCertificate } from './self-signed';
export { Chaos, CHAOS_FAULTS, type ChaosCounts, type ChaosFault, type ChaosOptions, mulberry32 } from './chaos';
export { answerMcp, MCP_THROTTLED, sampleResults, SEARCH_NOT_IN_PLAN, type McpAnswer, type SearchScenario, type SimSearchResult } from './web-search';
