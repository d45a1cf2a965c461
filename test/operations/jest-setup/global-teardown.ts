// The jest globalTeardown shown in docs/embedding.md.
export default async function globalTeardown(): Promise<void> {
  await globalThis.__BROOK__?.close()
  globalThis.__BROOK__ = undefined
}
