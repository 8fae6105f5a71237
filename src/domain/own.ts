/**
 * @module Looking up a name that comes from outside (a command, an event, a JSON-RPC method, a peer format's
 * type) in a fixed table: own keys only, so a name every object inherits ("constructor", "toString",
 * "__proto__") finds nothing instead of a function.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
