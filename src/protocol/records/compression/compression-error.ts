/**
 * Bytes that do not decompress, or a compression type Brook does not know. Raised for data a
 * peer sent, so callers answer CORRUPT_MESSAGE (as Kafka does) rather than treat it as a bug.
 * `cause` holds the native library's own error when there is one.
 */
export class CompressionError extends Error {
  override name = 'CompressionError'
  readonly codec: string

  constructor(codec: string, message: string, options?: ErrorOptions) {
    super(`${codec}: ${message}`, options)
    this.codec = codec
  }
}

/** Runs a native decoder, turning whatever it throws into a CompressionError. */
export function decodeWith<T>(codec: string, decode: () => T): T {
  try {
    return decode()
  } catch (err) {
    if (err instanceof CompressionError) throw err
    throw new CompressionError(codec, `cannot decompress: ${(err as Error).message}`, { cause: err })
  }
}

/** Async form of decodeWith. */
export async function decodeWithAsync<T>(codec: string, decode: () => Promise<T>): Promise<T> {
  try {
    return await decode()
  } catch (err) {
    if (err instanceof CompressionError) throw err
    throw new CompressionError(codec, `cannot decompress: ${(err as Error).message}`, { cause: err })
  }
}
