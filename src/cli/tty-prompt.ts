/**
 * @module Asking for a passphrase at the terminal, without echo. Synchronous (the store opens synchronously):
 * reads /dev/tty directly with `stty -echo` around it. Returns null where there is no terminal (pipes, CI,
 * agents), so the caller reports the missing key instead of hanging.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";

export function promptHidden(question: string): string | null {
  if (process.env.CAIRN_NO_PROMPT === "1") return null;
  let fd: number;
  try {
    fd = openSync("/dev/tty", "r+");
  } catch {
    return null;
  }
  const stty = (arg: string) => Bun.spawnSync(["stty", arg], { stdin: fd, stdout: "ignore", stderr: "ignore" });
  try {
    writeSync(fd, question);
    stty("-echo");
    const bytes: number[] = [];
    const one = Buffer.alloc(1);
    while (readSync(fd, one, 0, 1, null) === 1 && one[0] !== 0x0a && one[0] !== 0x0d) bytes.push(one[0]!);
    return Buffer.from(bytes).toString("utf8");
  } catch {
    return null;
  } finally {
    stty("echo");
    try {
      writeSync(fd, "\n");
    } catch {
      // the terminal went away
    }
    closeSync(fd);
  }
}
