/**
 * Loads a native codec package on first use, so a broker that never sees a snappy, lz4 or
 * zstd batch never pays for loading it. `require` (not `import()`) keeps the sync codec
 * variants possible: the packages are CommonJS, and a synchronous caller (the batch builder)
 * cannot await a dynamic import.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined
  return () => (loaded ??= require(id) as T)
}
