// The configuration's public face for main.ts and the servers: load it once, log it redacted.
export { loadConfig, type LoadConfigResult, type OperatorConfig } from './config.ts';
export { parseCommandLine, type CommandLine, type CommandLineResult } from './command-line.ts';
export { CREDENTIAL_SOURCES, type MesosCredentials } from './credentials.ts';
export type { KubeConnection } from './kubernetes.ts';
export { USAGE } from './options.ts';
export { parseProperties, readPropertiesFile, type PropertiesResult } from './properties-file.ts';
export { REDACTED, redactConfig, redactProperties, verboseReport, type RedactedConfig } from './redact.ts';
export { readTextFileSync, systemInfo, type ReadTextFile, type SystemInfo } from './system.ts';
