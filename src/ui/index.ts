// Public surface of the web UI: the snapshot port the operator fills, the helper that plans a
// resource for display, the pure renderer and the HTTP server.

export {
  submissionIdOfResource, uiDriverFrom, UNKNOWN_FRAMEWORK_ID,
  type UiDriver, type UiDriverOptions, type UiSnapshot, type UiSource,
} from './snapshot.ts';
export { renderDriver, renderDriverPage, renderNotFound, renderOverview, renderPage, type RenderedPage } from './render.ts';
export { DEFAULT_REDACTION_PATTERN, MASK } from './mask.ts';
export {
  CONTENT_SECURITY_POLICY, createUiHandler, DEFAULT_UI_HOST, DEFAULT_UI_PORT, startUiServer,
  type UiServer, type UiServerOptions,
} from './server.ts';
