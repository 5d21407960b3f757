import { Duplex, type Writable } from 'node:stream';

/** One MySQL protocol packet: its sequence id and payload. */
export interface MysqlPacket {
  readonly sequenceId: number;
  readonly payload: Buffer;
}

/** Handshake packets are small; anything larger is not a handshake and is refused rather than buffered. */
const MAX_HANDSHAKE_PACKET = 64 * 1024;

/**
 * Reads whole MySQL packets (3-byte length, 1-byte sequence id, payload) from a stream during the handshake, and
 * hands back the bytes it read past the last packet when the stream changes hands (to TLS, or to the piping of a
 * session), so nothing the peer sent early is lost.
 */
export class PacketReader {
  private buffered = Buffer.alloc(0);
  private waiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.wake();
  };
  private readonly onEnd = () => this.fail(new Error('the peer closed the connection during the handshake'));
  private readonly onClose = () => this.fail(new Error('the connection was closed during the handshake'));
  private readonly onError = (error: Error) => this.fail(error);

  constructor(private readonly stream: Duplex) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onClose);
    stream.on('error', this.onError);
  }

  /** The next packet; rejects when the stream ends or errs first. */
  async read(): Promise<MysqlPacket> {
    for (;;) {
      if (this.buffered.length >= 4) {
        const length = this.buffered.readUIntLE(0, 3);
        if (length > MAX_HANDSHAKE_PACKET) throw new Error(`a ${length}-byte packet is not part of a handshake`);
        if (this.buffered.length >= 4 + length) {
          const packet = { sequenceId: this.buffered[3], payload: this.buffered.subarray(4, 4 + length) };
          this.buffered = this.buffered.subarray(4 + length);
          return packet;
        }
      }
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve, reject) => {
        this.waiter = { resolve, reject };
      });
    }
  }

  /** Stops reading and returns a stream that yields the unread bytes first, then whatever the stream receives next. */
  detach(): Duplex {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onClose);
    this.stream.off('error', this.onError);
    this.stream.pause();
    return withPrefix(this.stream, this.buffered);
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }
}

/** Writes one packet. */
export function writePacket(stream: Writable, sequenceId: number, payload: Buffer): void {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequenceId & 0xff;
  stream.write(Buffer.concat([header, payload]));
}

/**
 * A duplex over `stream` that first yields `prefix`. A TLS socket built on it sees the bytes the handshake reader
 * had already taken in (a client sends its TLS ClientHello right behind the SSL request, without waiting).
 */
function withPrefix(stream: Duplex, prefix: Buffer): Duplex {
  const bridge = new Duplex({
    read: () => {
      stream.resume();
    },
    write: (chunk: Buffer, _encoding, callback) => {
      stream.write(chunk, callback);
    },
    final: (callback) => {
      stream.end();
      callback();
    },
    destroy: (error, callback) => {
      stream.destroy(error ?? undefined);
      callback(error);
    },
  });
  // Whoever reads the bridge (a TLS socket, a session pipe) sees it close; the error itself is the stream's to report.
  bridge.on('error', () => undefined);
  if (prefix.length > 0) bridge.push(prefix);
  stream.on('data', (chunk: Buffer) => {
    if (!bridge.push(chunk)) stream.pause();
  });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    bridge.push(null);
  };
  stream.on('end', end);
  stream.on('close', () => {
    // Closed (after an orderly end, or cut): the bridge closes too once its reader has taken what was left.
    end();
    if (bridge.readableLength === 0) bridge.destroy();
    else bridge.once('end', () => bridge.destroy());
  });
  stream.on('error', (error) => bridge.destroy(error));
  return bridge;
}
