/**
 * @module Turns onnxruntime's telemetry off where the native library looks for the switch: the C
 * environment of this process. onnxruntime 1.29+ on Linux and macOS starts Microsoft 1DS telemetry (a device
 * id and an event database under ~/.cache/Microsoft, uploads to mobile.events.data.microsoft.com) unless
 * `ORT_DISABLE_TELEMETRY=1` is set when the runtime initialises. Bun's `process.env` is a JavaScript copy:
 * writing to it does not change what C `getenv` returns, so the variable is set with libc's `setenv` and
 * read back with `getenv` before the library is loaded. If that cannot be confirmed, the runtime is not loaded.
 */
import { CString, dlopen, type Pointer } from "bun:ffi";

export const TELEMETRY_SWITCH = "ORT_DISABLE_TELEMETRY";

interface Libc {
  setenv(name: string, value: string): void;
  getenv(name: string): string | null;
}

/** Sets ORT_DISABLE_TELEMETRY=1 in the native environment; throws when it cannot be confirmed there. */
export function disableOrtTelemetry(): void {
  // Also for child processes cairn starts (they inherit the JavaScript copy).
  process.env[TELEMETRY_SWITCH] = "1";
  const libc = openLibc();
  if (!libc) {
    if (process.platform === "win32") return; // 1DS ships on Linux and macOS only; see DESIGN.md
    throw new Error(`could not open the C library to set ${TELEMETRY_SWITCH}=1`);
  }
  libc.setenv(TELEMETRY_SWITCH, "1");
  const seen = libc.getenv(TELEMETRY_SWITCH);
  if (seen !== "1") throw new Error(`${TELEMETRY_SWITCH} did not reach the native environment (saw ${seen ?? "nothing"})`);
}

/** What the native library will read for `name` (for tests and `cairn doctor`). */
export function nativeEnv(name: string): string | null {
  return openLibc()?.getenv(name) ?? null;
}

let libc: Libc | null | undefined;

function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  for (const name of libcNames()) {
    try {
      libc = wrap(name);
      break;
    } catch {
      // not this platform's name; try the next
    }
  }
  return libc;
}

function libcNames(): string[] {
  const arch = process.arch === "arm64" ? "aarch64" : "x86_64";
  if (process.platform === "darwin") return ["/usr/lib/libSystem.B.dylib"];
  if (process.platform === "win32") return ["ucrtbase.dll"];
  return ["libc.so.6", `libc.musl-${arch}.so.1`, "libc.so"];
}

const cstr = (s: string) => Buffer.from(`${s}\0`);

function wrap(name: string): Libc {
  if (process.platform === "win32") {
    const lib = dlopen(name, {
      _putenv_s: { args: ["ptr", "ptr"], returns: "i32" },
      getenv: { args: ["ptr"], returns: "ptr" },
    });
    return { setenv: (k, v) => void lib.symbols._putenv_s(cstr(k), cstr(v)), getenv: (k) => read(lib.symbols.getenv(cstr(k))) };
  }
  const lib = dlopen(name, {
    setenv: { args: ["ptr", "ptr", "i32"], returns: "i32" },
    getenv: { args: ["ptr"], returns: "ptr" },
  });
  return { setenv: (k, v) => void lib.symbols.setenv(cstr(k), cstr(v), 1), getenv: (k) => read(lib.symbols.getenv(cstr(k))) };
}

function read(p: Pointer | bigint | null): string | null {
  // getenv returns a pointer (never a bigint for a "ptr" return); null when unset.
  return p ? new CString(p as Pointer).toString() : null;
}
