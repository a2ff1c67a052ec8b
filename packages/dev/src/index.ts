export { type PartOutcome, summarizeParts } from './parts';
export { type ExampleEntry, GENERATE_MARKER, parseEnvExample } from './env-example';
export { type SecretsMode, type SecretsInput, type SecretsPlan, planSecrets } from './plan-secrets';
export { type NewValue, type EnvFileWrite, appendEnvValues, checkWritableValue, modeWiderThan0600 } from './env-local-file';
export { committableEnvFiles } from './git-ignored';
export { type PromptStreams, promptSecret } from './prompt-secret';
export { type SetUpSecretsOptions, type SecretsOutcome, setUpSecrets } from './set-up-secrets';
