/**
 * The MySQL client/server handshake packets the proxy reads and writes (protocol 4.1): the server greeting, the SSL
 * request, the handshake response, the authentication switch, OK and ERR. Only what a handshake needs; after it the
 * proxy pipes bytes and reads nothing.
 * @see https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html
 */

/** Capability flags the proxy looks at or changes. */
export const Capability = {
  LONG_PASSWORD: 1, // CLIENT_MYSQL to MariaDB: when a server leaves it unset, it announces extended capabilities
  CONNECT_WITH_DB: 1 << 3,
  COMPRESS: 1 << 5,
  PROTOCOL_41: 1 << 9,
  SSL: 1 << 11,
  SECURE_CONNECTION: 1 << 15,
  PLUGIN_AUTH: 1 << 19,
  CONNECT_ATTRS: 1 << 20,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 1 << 21,
  ZSTD_COMPRESSION: 1 << 26,
  MULTI_FACTOR_AUTHENTICATION: 1 << 28,
  CAPABILITY_EXTENSION: 1 << 29,
  SSL_VERIFY_SERVER_CERT: 1 << 30,
  REMEMBER_OPTIONS: 2 ** 31,
} as const;

export const CLEAR_PASSWORD_PLUGIN = 'mysql_clear_password';

/** The first packet a server sends. */
export interface ServerGreeting {
  readonly serverVersion: string;
  readonly connectionId: number;
  readonly capabilities: number;
  readonly characterSet: number;
  readonly statusFlags: number;
  /** The scramble (20 bytes for the usual plugins). */
  readonly authPluginData: Buffer;
  readonly authPluginName: string;
}

/** A client's handshake response, or the fields of its SSL request. */
export interface HandshakeResponse {
  /** As the client sent them. */
  readonly capabilities: number;
  readonly maxPacketSize: number;
  readonly characterSet: number;
  readonly username: string;
  readonly authResponse: Buffer;
  readonly database?: string;
  readonly authPluginName?: string;
}

/** An ERR packet's contents. */
export interface ServerError {
  readonly code: number;
  readonly sqlState: string;
  readonly message: string;
}

export function parseServerGreeting(payload: Buffer): ServerGreeting {
  const reader = new FieldReader(payload);
  const protocol = reader.byte();
  if (protocol !== 10) throw new Error(`the server speaks handshake protocol ${protocol}, not 10`);
  const serverVersion = reader.nulString();
  const connectionId = reader.uint32();
  const scramble1 = reader.bytes(8);
  reader.skip(1);
  const lower = reader.uint16();
  const characterSet = reader.byte();
  const statusFlags = reader.uint16();
  const capabilities = (lower | (reader.uint16() << 16)) >>> 0;
  const authDataLength = reader.byte();
  reader.skip(10);
  const scramble2 = reader.bytes(Math.max(13, authDataLength - 8));
  const authPluginName = capabilities & Capability.PLUGIN_AUTH ? reader.nulString() : 'mysql_native_password';
  // The second part ends in a NUL that is not part of the scramble.
  const authPluginData = Buffer.concat([scramble1, scramble2]).subarray(0, Math.max(20, authDataLength - 1));
  return { serverVersion, connectionId, capabilities, characterSet, statusFlags, authPluginData, authPluginName };
}

export function buildServerGreeting(greeting: ServerGreeting): Buffer {
  const scramble = greeting.authPluginData;
  return Buffer.concat([
    Buffer.from([10]),
    nulString(greeting.serverVersion),
    uint32(greeting.connectionId),
    scramble.subarray(0, 8),
    Buffer.from([0]),
    uint16(greeting.capabilities & 0xffff),
    Buffer.from([greeting.characterSet]),
    uint16(greeting.statusFlags),
    uint16(greeting.capabilities >>> 16),
    Buffer.from([scramble.length + 1]),
    // Reserved; for MariaDB its last four bytes are the extended capabilities, announced here as none.
    Buffer.alloc(10),
    scramble.subarray(8),
    Buffer.from([0]),
    nulString(greeting.authPluginName),
  ]);
}

/** True for the 32-byte packet a client sends to switch to TLS before its handshake response. */
export function isSslRequest(payload: Buffer): boolean {
  return payload.length === 32 && (payload.readUInt32LE(0) & Capability.SSL) !== 0;
}

export function buildSslRequest(response: Pick<HandshakeResponse, 'capabilities' | 'maxPacketSize' | 'characterSet'>): Buffer {
  return Buffer.concat([uint32(response.capabilities), uint32(response.maxPacketSize), Buffer.from([response.characterSet]), Buffer.alloc(23)]);
}

/**
 * Reads a handshake response. Its layout follows the capabilities both sides have (as a MySQL server reads it):
 * what the client set beyond what the server offered is not parsed, and trailing bytes (connection attributes) are
 * ignored.
 */
export function parseHandshakeResponse(payload: Buffer, serverCapabilities: number): HandshakeResponse {
  const reader = new FieldReader(payload);
  const capabilities = reader.uint32();
  const shared = capabilities & serverCapabilities;
  if (!(shared & Capability.PROTOCOL_41)) throw new Error('the client does not speak protocol 4.1');
  const maxPacketSize = reader.uint32();
  const characterSet = reader.byte();
  reader.skip(23);
  const username = reader.nulString();
  const authResponse =
    shared & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA
      ? reader.bytes(reader.lengthEncodedInteger())
      : shared & Capability.SECURE_CONNECTION
        ? reader.bytes(reader.byte())
        : Buffer.from(reader.nulString(), 'utf8');
  const database = shared & Capability.CONNECT_WITH_DB && !reader.atEnd() ? reader.nulString() : undefined;
  const authPluginName = shared & Capability.PLUGIN_AUTH && !reader.atEnd() ? reader.nulString() : undefined;
  return { capabilities, maxPacketSize, characterSet, username, authResponse, database: database || undefined, authPluginName };
}

/** A handshake response laid out for exactly `capabilities` (which must include PROTOCOL_41 and PLUGIN_AUTH). */
export function buildHandshakeResponse(response: HandshakeResponse): Buffer {
  const { capabilities } = response;
  const authResponse =
    capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA
      ? Buffer.concat([lengthEncodedInteger(response.authResponse.length), response.authResponse])
      : Buffer.concat([Buffer.from([response.authResponse.length]), response.authResponse]);
  return Buffer.concat([
    buildSslRequest(response),
    nulString(response.username),
    authResponse,
    capabilities & Capability.CONNECT_WITH_DB ? nulString(response.database ?? '') : Buffer.alloc(0),
    nulString(response.authPluginName ?? 'mysql_native_password'),
  ]);
}

/** `0xFE plugin\0 data`: asks the client to authenticate with another plugin. */
export function buildAuthSwitchRequest(pluginName: string, pluginData: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([0xfe]), nulString(pluginName), pluginData]);
}

export function isAuthSwitchRequest(payload: Buffer): boolean {
  return payload[0] === 0xfe;
}

/** The plugin an auth switch request names. */
export function authSwitchPluginName(payload: Buffer): string {
  const reader = new FieldReader(payload);
  reader.skip(1);
  return reader.nulString();
}

export function isOkPacket(payload: Buffer): boolean {
  return payload[0] === 0x00;
}

export function isErrorPacket(payload: Buffer): boolean {
  return payload[0] === 0xff;
}

export function parseErrorPacket(payload: Buffer): ServerError {
  const code = payload.readUInt16LE(1);
  const hasState = payload[3] === 0x23; // '#'
  return {
    code,
    sqlState: hasState ? payload.subarray(4, 9).toString('latin1') : 'HY000',
    message: payload.subarray(hasState ? 9 : 3).toString('utf8'),
  };
}

export function buildErrorPacket(error: ServerError): Buffer {
  return Buffer.concat([Buffer.from([0xff]), uint16(error.code), Buffer.from(`#${error.sqlState}`, 'latin1'), Buffer.from(error.message, 'utf8')]);
}

/** The bytes of a cleartext password packet, without the NUL that clients end it with. */
export function clearPasswordOf(payload: Buffer): string {
  const end = payload.length > 0 && payload[payload.length - 1] === 0 ? payload.length - 1 : payload.length;
  return payload.subarray(0, end).toString('utf8');
}

/** Sequential reads of the protocol's field types; throws when a packet is shorter than its fields. */
class FieldReader {
  private offset = 0;
  constructor(private readonly payload: Buffer) {}

  atEnd(): boolean {
    return this.offset >= this.payload.length;
  }

  skip(count: number): void {
    this.need(count);
    this.offset += count;
  }

  byte(): number {
    this.need(1);
    return this.payload[this.offset++];
  }

  uint16(): number {
    this.need(2);
    const value = this.payload.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.payload.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(count: number): Buffer {
    this.need(count);
    const value = this.payload.subarray(this.offset, this.offset + count);
    this.offset += count;
    return value;
  }

  /** A string up to the next NUL, or to the end of the packet when there is none. */
  nulString(): string {
    const end = this.payload.indexOf(0, this.offset);
    const stop = end < 0 ? this.payload.length : end;
    const value = this.payload.subarray(this.offset, stop).toString('utf8');
    this.offset = end < 0 ? stop : stop + 1;
    return value;
  }

  lengthEncodedInteger(): number {
    const first = this.byte();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.uint16();
    if (first === 0xfd) return this.bytes(3).readUIntLE(0, 3);
    throw new Error('a length-encoded integer too large for a handshake');
  }

  private need(count: number): void {
    if (this.offset + count > this.payload.length) throw new Error('the packet is shorter than its fields');
  }
}

function nulString(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function uint16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value & 0xffff);
  return buffer;
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
}

function lengthEncodedInteger(value: number): Buffer {
  if (value < 0xfb) return Buffer.from([value]);
  if (value <= 0xffff) return Buffer.concat([Buffer.from([0xfc]), uint16(value)]);
  const buffer = Buffer.alloc(4);
  buffer[0] = 0xfd;
  buffer.writeUIntLE(value, 1, 3);
  return buffer;
}
