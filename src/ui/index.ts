// Public surface of the web UI: the snapshot port the operator fills, the helpers that plan
// resources for display, the pure renderer, the kill port and the HTTP server.

export {
  cachedUiDrivers, submissionIdOfResource, uiDriverFrom, UNKNOWN_FRAMEWORK_ID,
  type UiDriver, type UiDriverOptions, type UiSnapshot, type UiSource,
} from './snapshot.ts';
export { renderDriver, renderDriverPage, renderNotFound, renderOverview, renderPage, type RenderedPage } from './render.ts';
export { DEFAULT_REDACTION_PATTERN, MASK } from './mask.ts';
export {
  CONTENT_SECURITY_POLICY, createUiHandler, DEFAULT_UI_HOST, DEFAULT_UI_PORT, startUiServer,
  type UiServer, type UiServerOptions,
} from './server.ts';
export type { KillPort } from './kill.ts';
