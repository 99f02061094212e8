// The example consumers log through Powertools Loggers; tests read results, not log lines.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
