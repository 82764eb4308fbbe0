// Replaced at build time (tsup `define`) and in tests (vitest `define`) with the versions of the
// published @engine-kit packages this scaffolder was released with.
declare const __ENGINE_KIT_VERSIONS__: Record<string, string>;

export const ENGINE_KIT_PACKAGES = [
  '@engine-kit/contracts',
  '@engine-kit/core-emulator',
  '@engine-kit/engine',
  '@engine-kit/toolkit',
  '@engine-kit/vtn-standard',
] as const;
export type EngineKitPackage = (typeof ENGINE_KIT_PACKAGES)[number];

/** Caret ranges of the engine-kit releases a generated project depends on. */
export function engineKitRanges(): Record<EngineKitPackage, string> {
  const ranges = {} as Record<EngineKitPackage, string>;
  for (const name of ENGINE_KIT_PACKAGES) {
    const version = __ENGINE_KIT_VERSIONS__[name];
    if (!version) throw new Error(`internal: no version of ${name} was built into create-engine-kit`);
    ranges[name] = `^${version}`;
  }
  return ranges;
}

/**
 * Third-party versions of a generated project: the lowest releases its files are tested with,
 * as caret ranges (zod is the peer dependency of the engine-kit packages).
 */
export const THIRD_PARTY_RANGES = {
  zod: '^4.4.0',
  typescript: '^5.9.3',
  tsx: '^4.20.6',
  '@types/node': '^20.19.0',
} as const;
