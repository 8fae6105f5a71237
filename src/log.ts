/** @module Levelled logging to stderr only: stdout belongs to command output and, under `cairn mcp`, to JSON-RPC. */

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

let threshold: number = order[(process.env.CAIRN_LOG_LEVEL as LogLevel | undefined) ?? "warn"] ?? order.warn;

export function setLogLevel(level: LogLevel): void {
  threshold = order[level];
}

function write(level: LogLevel, message: string): void {
  if (order[level] < threshold) return;
  process.stderr.write(`cairn ${level}: ${message}\n`);
}

export const log = {
  debug: (m: string) => write("debug", m),
  info: (m: string) => write("info", m),
  warn: (m: string) => write("warn", m),
  error: (m: string) => write("error", m),
};
