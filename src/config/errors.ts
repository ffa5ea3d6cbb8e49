/**
 * Error codes of the sidecar configuration (YAML file, REGENT_* variables, flags).
 * Every code is documented in docs/errors.md under "config".
 */
export const CONFIG_INVALID = "config_invalid_error";
export const CONFIG_FILE = "config_file_error";
