/**
 * @module A JSON-RPC error a request handler throws, carried as it is. The SDK's McpError puts "MCP error <code>: "
 * in front of the message it sends, and an SDK client's McpError puts it in front again: agents read "MCP error
 * -32002: MCP error -32002: …" (QA). The SDK answers a thrown error with its `code`, `message` and `data`.
 */
export function protocolError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, ...(data === undefined ? {} : { data }) });
}
