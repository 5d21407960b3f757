import type { EmulatorEngine } from './emulator-options';

/** The start of a command line: a program and the arguments that come before the server's own options. */
export interface CommandPrefix {
  readonly program: string;
  readonly args: readonly string[];
}

/** How AWSAuthenticationPlugin is compiled for one server: the shared C sources plus this server's shim. */
export interface PluginRecipe {
  /** The shim declaring the plugin through this server's API, relative to lib/emulator/plugin/. */
  readonly shimSource: string;
  /** The shim's compiler: `gcc` for MariaDB's C API, `g++` for MySQL's C++ headers. */
  readonly compiler: string;
  /** The shim's flags, include directories among them (part of the cache key). */
  readonly compilerFlags: readonly string[];
  /** Server headers whose contents are part of the cache key, with the package that provides them. */
  readonly headerFiles: readonly string[];
  readonly headerPackageHint: string;
  /** Folder of the emulator cache the built plugin goes to. */
  readonly cacheFolder: string;
  /** The server's own plugin folder: its files are linked next to ours, since `--plugin-dir` names one folder. */
  readonly serverPluginDirectory?: string;
}

/**
 * One server the emulator can run: where its programs and files are and how it is started, bootstrapped and
 * extended. MariaDB comes from Debian's packages; Oracle MySQL is unpacked into the user's cache.
 */
export interface ServerInstallation {
  readonly engine: EmulatorEngine;
  /** The server's own version, e.g. `10.11.19-MariaDB` or `9.7.4`. */
  readonly version: string;
  /** What runs the server binary (MySQL: through the dynamic loader unpacked with it). */
  readonly server: CommandPrefix;
  /** Where the server finds its own files (messages, character sets), for every invocation. */
  readonly locationOptions: readonly string[];
  /** Storage settings the template data directory is created with; a start with others would resize its logs. */
  readonly storageOptions: readonly string[];
  /** Options of a throwaway server of this engine (besides the shared ones). */
  readonly runOptions: readonly string[];
  /** Changes when the server or the bootstrap changes: keys the cached template data directory. */
  readonly templateKey: string;
  /** Creates a data directory with the system tables only, root reachable only through the unix socket. */
  bootstrap(dataDirectory: string, scratchDirectory: string): Promise<void>;
  readonly plugin: PluginRecipe;
}
