/**
 * A minimal Jupyter client speaking the wire protocol (v5.3) over ZeroMQ, written for the Deno kernel.
 *
 * It starts a kernel from a kernelspec (`kernel.json`, `{connection_file}` and `{resource_dir}`
 * substituted as jupyter_client does), signs every message with HMAC-SHA256, and exposes the shell,
 * control and IOPub channels as async primitives. Higher-level execution logic (per-cell output
 * collection with barriers) lives in `execute.ts`.
 *
 * @module
 */
import * as zmq from "zeromq";

/** A decoded Jupyter message. */
export interface JMessage {
  header: {
    msg_id: string;
    msg_type: string;
    session?: string;
    date?: string;
    username?: string;
    version?: string;
  };
  parent_header: { msg_id?: string; msg_type?: string };
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  /** When the client received it (performance.now()). */
  receivedAt: number;
}

/** Options for {@link startKernel}. */
export interface StartOptions {
  /** Directory holding kernel.json (the kernelspec's resource_dir). */
  specDir: string;
  /** The kernel's working directory (the notebook's folder). */
  cwd: string;
  /** Extra environment for the kernel process. */
  env?: Record<string, string>;
  /** Where the kernel's own stderr goes: "inherit" or "piped" (collected into `stderrText()`). */
  stderr?: "inherit" | "piped";
}

async function freePorts(n: number): Promise<number[]> {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  await Promise.resolve();
  return ports;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const DELIM = "<IDS|MSG>";

/** A running kernel and the client's sockets to it. */
export class KernelClient {
  #proc: Deno.ChildProcess;
  #key: CryptoKey;
  #session = crypto.randomUUID();
  #shell: zmq.Dealer;
  #control: zmq.Dealer;
  #iopub: zmq.Subscriber;
  #connDir: string;
  #stderrChunks: string[] = [];
  #closed = false;
  /** Resolves with the exit status when the kernel process ends. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Every IOPub message, in arrival order, is passed to these listeners. */
  readonly iopubListeners = new Set<(m: JMessage) => void>();
  /** Every shell reply is passed to these listeners. */
  readonly shellListeners = new Set<(m: JMessage) => void>();

  private constructor(
    proc: Deno.ChildProcess,
    key: CryptoKey,
    shell: zmq.Dealer,
    control: zmq.Dealer,
    iopub: zmq.Subscriber,
    connDir: string,
  ) {
    this.#proc = proc;
    this.#key = key;
    this.#shell = shell;
    this.#control = control;
    this.#iopub = iopub;
    this.#connDir = connDir;
    this.exited = proc.status;
    this.#pump(iopub, this.iopubListeners);
    this.#pump(shell, this.shellListeners);
    this.#pump(control, this.shellListeners);
  }

  /** Starts the kernel described by `<specDir>/kernel.json` and connects to it. */
  static async start(opts: StartOptions): Promise<KernelClient> {
    const spec = JSON.parse(await Deno.readTextFile(`${opts.specDir}/kernel.json`)) as {
      argv: string[];
      env?: Record<string, string>;
    };
    const connDir = await Deno.makeTempDir({ prefix: "kexue-kernel-" });
    const [shellPort, iopubPort, stdinPort, controlPort, hbPort] = await freePorts(5);
    const keyText = crypto.randomUUID();
    const conn = {
      shell_port: shellPort,
      iopub_port: iopubPort,
      stdin_port: stdinPort,
      control_port: controlPort,
      hb_port: hbPort,
      ip: "127.0.0.1",
      key: keyText,
      transport: "tcp",
      signature_scheme: "hmac-sha256",
      kernel_name: "deno",
    };
    const connFile = `${connDir}/connection.json`;
    await Deno.writeTextFile(connFile, JSON.stringify(conn));
    const argv = spec.argv.map((a) =>
      a.replaceAll("{connection_file}", connFile).replaceAll("{resource_dir}", opts.specDir)
    );
    const [cmd, ...args] = argv;
    if (!cmd) throw new Error(`kernel.json in ${opts.specDir} has an empty argv`);
    const proc = new Deno.Command(cmd, {
      args,
      cwd: opts.cwd,
      env: { ...spec.env, ...opts.env },
      stdin: "null",
      stdout: "piped",
      stderr: opts.stderr ?? "piped",
    }).spawn();
    const key = await crypto.subtle.importKey(
      "raw",
      encoder.encode(keyText),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const addr = (p: number | undefined) => `tcp://127.0.0.1:${p}`;
    const shell = new zmq.Dealer({ linger: 0 });
    const control = new zmq.Dealer({ linger: 0 });
    const iopub = new zmq.Subscriber({ linger: 0 });
    iopub.subscribe();
    shell.connect(addr(shellPort));
    control.connect(addr(controlPort));
    iopub.connect(addr(iopubPort));
    const client = new KernelClient(proc, key, shell, control, iopub, connDir);
    client.#drain(proc.stdout, null);
    if ((opts.stderr ?? "piped") === "piped") client.#drain(proc.stderr, client.#stderrChunks);
    return client;
  }

  async #drain(stream: ReadableStream<Uint8Array>, into: string[] | null): Promise<void> {
    try {
      for await (const chunk of stream) if (into) into.push(decoder.decode(chunk));
    } catch { /* process ended */ }
  }

  /** What the kernel process wrote to its stderr (when started with stderr "piped"). */
  stderrText(): string {
    return this.#stderrChunks.join("");
  }

  async #sign(parts: string[]): Promise<string> {
    const data = encoder.encode(parts.join(""));
    const sig = new Uint8Array(await crypto.subtle.sign("HMAC", this.#key, data));
    return Array.from(sig, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async #pump(sock: zmq.Dealer | zmq.Subscriber, listeners: Set<(m: JMessage) => void>): Promise<void> {
    try {
      for await (const frames of sock) {
        const strs = frames.map((f) => decoder.decode(f));
        const i = strs.indexOf(DELIM);
        if (i < 0 || strs.length < i + 6) continue;
        const [sig, h, p, m, c] = strs.slice(i + 1, i + 6) as [string, string, string, string, string];
        if ((await this.#sign([h, p, m, c])) !== sig) continue; // not ours / corrupted
        const msg: JMessage = {
          header: JSON.parse(h),
          parent_header: JSON.parse(p),
          metadata: JSON.parse(m),
          content: JSON.parse(c),
          receivedAt: performance.now(),
        };
        for (const l of listeners) l(msg);
      }
    } catch (e) {
      if (!this.#closed) console.error(`kernel socket closed unexpectedly: ${e}`);
    }
  }

  async #send(
    sock: zmq.Dealer,
    msgType: string,
    content: Record<string, unknown>,
    msgId: string = crypto.randomUUID(),
  ): Promise<string> {
    const header = {
      msg_id: msgId,
      msg_type: msgType,
      session: this.#session,
      username: "kexue",
      date: new Date().toISOString(),
      version: "5.3",
    };
    const parts = [JSON.stringify(header), "{}", "{}", JSON.stringify(content)];
    const sig = await this.#sign(parts);
    await sock.send([DELIM, sig, ...parts]);
    return msgId;
  }

  /** Sends a request on the shell channel (with `msgId` if given); returns its msg_id. */
  shellRequest(msgType: string, content: Record<string, unknown>, msgId?: string): Promise<string> {
    return this.#send(this.#shell, msgType, content, msgId);
  }

  /** Sends a request on the control channel; returns its msg_id. */
  controlRequest(msgType: string, content: Record<string, unknown>): Promise<string> {
    return this.#send(this.#control, msgType, content);
  }

  /** Waits for the shell reply to `msgId`, or rejects after `timeoutMs` or when the kernel dies. */
  waitReply(msgId: string, timeoutMs: number): Promise<JMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`no reply from the kernel within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const listener = (m: JMessage) => {
        if (m.parent_header.msg_id === msgId) done(null, m);
      };
      const onExit = (s: Deno.CommandStatus) => done(new KernelDied(s.code, this.stderrText()));
      let finished = false;
      const done = (err: Error | null, m?: JMessage) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.shellListeners.delete(listener);
        if (err) reject(err);
        else resolve(m as JMessage);
      };
      this.shellListeners.add(listener);
      this.exited.then(onExit);
    });
  }

  /**
   * Waits until the kernel answers kernel_info and its IOPub reaches us. Requests sent before the
   * kernel has bound its sockets are lost (measured: the first one usually is), and IOPub is a PUB
   * socket that drops what it publishes before our subscription propagates, so ask again every
   * 500 ms until a reply *and* an IOPub status message have arrived.
   */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let sawIopub = false;
    const l = (m: JMessage) => {
      if (m.header.msg_type === "status") sawIopub = true;
    };
    this.iopubListeners.add(l);
    try {
      while (performance.now() < deadline) {
        const id = await this.shellRequest("kernel_info_request", {});
        const replied = await this.waitReply(id, 500).then(() => true, (e) => {
          if (e instanceof KernelDied) throw e;
          return false;
        });
        if (replied) {
          for (let i = 0; i < 10 && !sawIopub; i++) await new Promise((r) => setTimeout(r, 50));
          if (sawIopub) return;
        }
      }
    } finally {
      this.iopubListeners.delete(l);
    }
    throw new Error(`the kernel did not become ready within ${timeoutMs / 1000} s`);
  }

  /** Asks the kernel to shut down, then kills it if needed, and closes the sockets. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    try {
      const id = await this.controlRequest("shutdown_request", { restart: false });
      await Promise.race([this.waitReply(id, 2000).catch(() => {}), this.exited]);
    } catch { /* ignore */ }
    const exited = await Promise.race([
      this.exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 2000)),
    ]);
    if (!exited) {
      try {
        this.#proc.kill("SIGKILL");
      } catch { /* already gone */ }
      await this.exited;
    }
    this.#closed = true;
    // Let zeromq's I/O thread settle after the peer went away before closing (closing right after a
    // killed kernel is where the native addon has crashed).
    await new Promise((r) => setTimeout(r, 50));
    this.#shell.close();
    this.#control.close();
    this.#iopub.close();
    await Deno.remove(this.#connDir, { recursive: true }).catch(() => {});
  }
}

/** The kernel process exited while a request was pending. */
export class KernelDied extends Error {
  constructor(code: number, stderr: string) {
    const tail = stderr.trim().split("\n").slice(-15).join("\n");
    super(`the kernel died (exit code ${code})${tail ? `; its last stderr lines:\n${tail}` : ""}`);
    this.name = "KernelDied";
  }
}
