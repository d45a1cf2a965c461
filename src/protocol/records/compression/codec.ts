/**
 * The shape every record-batch codec shares. A codec works on the records region of a v2
 * batch (the bytes after its 61-byte header), compressed as one unit.
 */

export type CodecName = 'gzip' | 'snappy' | 'lz4' | 'zstd'

export interface Codec {
  readonly name: CodecName
  /** `level` is Kafka's compression.<codec>.level; undefined means the codec's Kafka default. */
  compress(data: Buffer, level?: number): Promise<Buffer>
  decompress(data: Buffer): Promise<Buffer>
  compressSync(data: Buffer, level?: number): Buffer
  decompressSync(data: Buffer): Buffer
}
