/**
 * @module How many other processes have the database's write-ahead log open (Linux: /proc/<pid>/fd), so a
 * purge that could not clear the log can say how many must close it or end their read. Null where that
 * cannot be known (no /proc).
 */
import { existsSync, readdirSync, readlinkSync, realpathSync } from "node:fs";

export function walHolders(dbFile: string): number | null {
  if (!existsSync("/proc/self/fd")) return null;
  let wal: string;
  try {
    wal = realpathSync(`${dbFile}-wal`);
  } catch {
    return 0;
  }
  let n = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readdirSync(`/proc/${pid}/fd`).some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === wal)) n++;
    } catch {
      // another user's process, or gone meanwhile
    }
  }
  return n;
}

function safeReadlink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}
