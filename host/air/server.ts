/**
 * The air hub's TCP server: remote radios over TCP or a Unix socket, speaking the air protocol
 * (docs/air-protocol.md 2). Each connection is one radio of the model (model.ts) and one party of the scheduler
 * (scheduler.ts); its commands are applied at synchronisation points in a fixed order (virtual mode) or on
 * arrival (real mode).
 */
import { existsSync, statSync, unlinkSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { AdvertiseHandle, Clock, Logger, RadioPacket } from "../../modules/platform.js";
import { AIR, AirError, type AdvChannel, type AirModel, type ScanParams, type SimRadio } from "./model.js";
import type { Scheduler, SyncParty } from "./scheduler.js";
import { decode, encode, ErrorCode, FrameReader, PROTOCOL_VERSION, ProtocolError, printable, utf8Encode, type Message } from "./wire.js";

interface Conn extends SyncParty {
  socket: Socket;
  reader: FrameReader;
  state: "hello" | "ready" | "closed";
  name: string;
  radio: SimRadio | null;
  /** Wake messages (WELCOME, TIME, RX, ADV_DONE) sent / acknowledged by WAIT_UNTIL (virtual mode). */
  wakesSent: number;
  wakesDone: number;
  waitUntil: number;
  /** Output marks (MARK, virtual mode): the last one announced, and the last one its reader confirmed (markRead). */
  markSent: number;
  markRead: number;
  /** Commands received, applied at the next synchronisation point (virtual mode). */
  pending: Message[];
  /** Ids of advertisements announced and not finished or cancelled (checked on receipt). */
  ids: Set<number>;
  handles: Map<number, AdvertiseHandle>;
}


export class AirServer {
  private server: Server | null = null;
  private serverPath: string | null = null;
  private readonly conns = new Set<Conn>();
  private closed = false;

  constructor(
    private readonly mode: "virtual" | "real",
    private readonly clock: Clock,
    private readonly model: AirModel,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
  ) {}

  /** True while listening. */
  get listening(): boolean {
    return this.server !== null;
  }


  /**
   * Accept remote radios: TCP on 127.0.0.1 (`port`, 0 or absent: any free port) or a Unix socket (`path`).
   * Resolves with where it listens. Each connection is one radio (docs/air-protocol.md).
   */
  async listen(opts: { port?: number; path?: string } = {}): Promise<{ port?: number; path?: string }> {
    if (this.closed) throw new AirError("the hub is closed");
    if (this.server) throw new AirError("the hub is already listening");
    const server = createServer((socket) => this.accept(socket));
    if (opts.path !== undefined) {
      // A stale socket file from an earlier run would make listen() fail; remove it, but nothing else.
      if (existsSync(opts.path) && statSync(opts.path).isSocket()) unlinkSync(opts.path);
    }
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      const ready = () => {
        server.off("error", reject);
        resolve();
      };
      if (opts.path !== undefined) server.listen(opts.path, ready);
      else server.listen(opts.port ?? 0, "127.0.0.1", ready);
    });
    server.on("error", (e) => this.logger.log("error", "air", `server: ${e.message}`));
    this.server = server;
    if (opts.path !== undefined) {
      this.serverPath = opts.path;
      return { path: opts.path };
    }
    return { port: (server.address() as AddressInfo).port };
  }

  /**
   * The reader of remote radio `name`'s side channel (e.g. the simulator reading an XS device's stdout) has read its
   * line `mark N` (and so every line before it): virtual time may pass again (docs/air-protocol.md 3.3). The line
   * may be read before the hub has the MARK itself (two channels): both orders work. A mark of a radio that has
   * gone is ignored.
   */
  markRead(name: string, mark: number): void {
    if (!Number.isInteger(mark) || mark < 1 || mark > 0xffffffff) throw new AirError(`markRead: mark ${mark} is not an integer 1..2^32-1`);
    for (const c of this.scheduler.parties) {
      if (c.name !== name) continue;
      if (mark > c.markRead) c.markRead = mark;
      this.scheduler.checkIdle();
      return;
    }
  }

  /** Number of connected remote radios (past HELLO). */
  get remoteCount(): number {
    return this.scheduler.parties.length;
  }

  /** Remote radios get BYE and leave, the server stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [...this.conns]) {
      if (conn.state === "ready") this.write(conn, { kind: "hubBye" });
      this.drop(conn);
      conn.socket.end();
    }
    if (this.server) {
      const s = this.server;
      this.server = null;
      await new Promise<void>((res) => s.close(() => res()));
      if (this.serverPath && existsSync(this.serverPath)) {
        try {
          unlinkSync(this.serverPath);
        } catch {
          /* already gone */
        }
      }
    }
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn: Conn = {
      socket,
      reader: new FrameReader(),
      state: "hello",
      name: "",
      radio: null,
      wakesSent: 0,
      wakesDone: 0,
      waitUntil: Infinity,
      markSent: 0,
      markRead: 0,
      pending: [],
      ids: new Set(),
      handles: new Map(),
    };
    this.conns.add(conn);
    socket.on("data", (chunk: Uint8Array) => this.onData(conn, chunk));
    socket.on("error", (e) => {
      if (conn.state !== "closed") this.logger.log("warn", "air", `client ${printable(conn.name || "?")}: ${e.message}`);
      this.drop(conn);
    });
    socket.on("close", () => this.drop(conn));
  }

  private onData(conn: Conn, chunk: Uint8Array): void {
    if (conn.state === "closed") return;
    try {
      conn.reader.push(chunk);
      for (;;) {
        const f = conn.reader.next();
        if (f === null) break;
        this.dispatch(conn, decode(f.type, f.body));
        if ((conn.state as Conn["state"]) === "closed") break;
      }
    } catch (e) {
      if (e instanceof ProtocolError) this.fail(conn, e.code, e.message);
      else this.fail(conn, ErrorCode.MALFORMED, e instanceof Error ? e.message : String(e));
    }
    this.scheduler.checkIdle();
    this.scheduler.notifyChange();
  }

  private dispatch(conn: Conn, m: Message): void {
    if (conn.state === "hello") {
      if (m.kind !== "hello") throw new ProtocolError(ErrorCode.UNEXPECTED, `expected HELLO, got ${m.kind}`);
      this.hello(conn, m);
      return;
    }
    switch (m.kind) {
      case "hello":
        throw new ProtocolError(ErrorCode.UNEXPECTED, "a second HELLO");
      case "advertise":
        if (m.data.length > AIR.MAX_AD_DATA) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, `AD data of ${m.data.length} bytes exceeds ${AIR.MAX_AD_DATA}`);
        if (m.count < 1) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, "count must be >= 1");
        if (!(m.intervalMs >= 0) || !Number.isFinite(m.intervalMs)) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, "intervalMs must be finite and >= 0");
        if (conn.ids.has(m.id)) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, `advertisement id ${m.id} is in use`);
        conn.ids.add(m.id);
        this.command(conn, m);
        return;
      case "cancel":
        conn.ids.delete(m.id);
        this.command(conn, m);
        return;
      case "scan":
        this.command(conn, m);
        return;
      case "waitUntil":
        // docs/air-protocol.md 2.3: NaN, -Infinity, or a time before the hub's in a WAIT_UNTIL that acknowledges
        // wakes (a client that has just handled a wake at the hub's time has no timer before it) would have the hub
        // wake this client at its current time again and again without advancing: virtual time frozen for every
        // client. An update (no new wake acknowledged) from a client whose clock is behind the hub's is taken
        // as "now".
        if (Number.isNaN(m.time)) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, "WAIT_UNTIL time is NaN");
        if (m.time === -Infinity) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, "WAIT_UNTIL time is -Infinity");
        if (this.mode === "real") return; // no synchronisation on the wall clock
        if (m.time < this.clock.now() && m.wakes !== conn.wakesDone)
          throw new ProtocolError(ErrorCode.BAD_ARGUMENT, `WAIT_UNTIL time ${m.time} is before the hub's time ${this.clock.now()}`);
        if (m.wakes > conn.wakesSent) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, `WAIT_UNTIL acknowledges ${m.wakes} wakes, only ${conn.wakesSent} sent`);
        if (m.wakes < conn.wakesDone) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, "WAIT_UNTIL wake count went backwards");
        conn.wakesDone = m.wakes;
        conn.waitUntil = m.time;
        return;
      case "mark":
        // docs/air-protocol.md 3.3: marks count up from 1; the hub holds time until markRead(name, mark).
        if (this.mode === "real") return;
        if (m.mark !== conn.markSent + 1) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, `MARK ${m.mark} after ${conn.markSent} (marks count up by one)`);
        conn.markSent = m.mark;
        return;
      case "bye":
        this.logger.log("info", "air", `client ${printable(conn.name)} said BYE`);
        this.drop(conn);
        conn.socket.end();
        return;
      default:
        throw new ProtocolError(ErrorCode.UNEXPECTED, `${m.kind} is a hub-to-client message`);
    }
  }

  private hello(conn: Conn, m: Extract<Message, { kind: "hello" }>): void {
    if (m.version !== PROTOCOL_VERSION) throw new ProtocolError(ErrorCode.VERSION, `protocol version ${m.version} is not supported (this hub speaks ${PROTOCOL_VERSION})`);
    if (m.name.length === 0 || utf8Encode(m.name).length > 64) throw new ProtocolError(ErrorCode.BAD_ARGUMENT, "name must be 1..64 bytes");
    if (this.model.radio(m.name)) throw new ProtocolError(ErrorCode.NAME_IN_USE, `a radio named ${printable(m.name)} exists`);
    const scan: Partial<ScanParams> = {};
    if (m.scanIntervalMs !== 0) scan.intervalMs = m.scanIntervalMs;
    if (m.scanWindowMs !== 0) scan.windowMs = m.scanWindowMs;
    let radio: SimRadio;
    try {
      radio = this.model.createRadio(m.name, m.address ? { address: m.address, scan } : { scan });
    } catch (e) {
      throw new ProtocolError(ErrorCode.BAD_ARGUMENT, e instanceof Error ? e.message : String(e));
    }
    conn.radio = radio;
    conn.name = m.name;
    conn.state = "ready";
    this.scheduler.join(conn);
    this.sendWake(conn, { kind: "welcome", version: PROTOCOL_VERSION, mode: this.mode, now: this.clock.now(), address: radio.address });
    this.logger.log("info", "air", `client ${printable(m.name)} joined`);
  }

  private command(conn: Conn, m: Message): void {
    if (this.mode === "real") {
      this.apply(conn, m);
      return;
    }
    conn.pending.push(m);
    this.scheduler.commandPending();
  }

  /** Apply buffered client commands in a deterministic order: clients by name, each client's in arrival order. */
  applyPending(): void {
    for (const conn of this.scheduler.parties as Conn[]) {
      if (!conn.pending.length) continue;
      const list = conn.pending;
      conn.pending = [];
      for (const m of list) if (conn.state === "ready") this.apply(conn, m);
    }
  }

  private apply(conn: Conn, m: Message): void {
    const radio = conn.radio!;
    switch (m.kind) {
      case "advertise": {
        const id = m.id;
        const h = radio.advertise(m.adType, m.data, { count: m.count, intervalMs: m.intervalMs }, () => {
          conn.handles.delete(id);
          conn.ids.delete(id);
          this.sendWake(conn, { kind: "advDone", id, time: this.clock.now() });
        });
        conn.handles.set(id, h);
        return;
      }
      case "cancel":
        conn.handles.get(m.id)?.cancel();
        conn.handles.delete(m.id);
        return;
      case "scan":
        if (!m.on) radio.setReceiver(null);
        else if (!radio.scanning) {
          (radio as SimRadio).setReceiver(((packet: RadioPacket, channel: AdvChannel) => {
            this.sendWake(conn, { kind: "rx", time: packet.time, rssi: packet.rssi, channel, adType: packet.adType, data: packet.data });
          }) as (p: RadioPacket) => void);
        }
        return;
      default:
        return;
    }
  }

  /** TIME(t): the scheduler wakes a client whose timer is due. */
  sendTime(party: SyncParty, t: number): void {
    this.sendWake(party as Conn, { kind: "time", time: t });
  }

  /** Send a wake message (one the client answers with WAIT_UNTIL in virtual mode). */
  private sendWake(conn: Conn, m: Message): void {
    if (conn.state !== "ready") return;
    if (this.mode === "virtual") conn.wakesSent++;
    this.write(conn, m);
  }

  private write(conn: Conn, m: Message): void {
    if (conn.socket.destroyed || !conn.socket.writable) return;
    conn.socket.write(encode(m));
  }

  private fail(conn: Conn, code: number, message: string): void {
    if (conn.state === "closed") return;
    this.logger.log("error", "air", `client ${printable(conn.name || "?")}: protocol error ${code}: ${message}; closing the connection`);
    this.write(conn, { kind: "error", code, message });
    this.drop(conn);
    conn.socket.end();
    conn.socket.setTimeout(1000, () => conn.socket.destroy());
  }

  /** Forget a connection: its radio leaves the air; the run loop stops waiting for it. */
  private drop(conn: Conn): void {
    if (conn.state === "closed") return;
    conn.state = "closed";
    this.conns.delete(conn);
    if (conn.radio) {
      for (const h of conn.handles.values()) h.cancel();
      conn.handles.clear();
      conn.radio.close();
    }
    this.scheduler.leave(conn);
  }
}
