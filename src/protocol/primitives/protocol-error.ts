/**
 * Errors raised by the wire codecs. A decode error means the peer sent bytes that do not
 * form a valid message; the network layer answers or closes the connection, the process
 * goes on. An encode error means Brook itself built a value the requested version cannot
 * carry (a bug in the caller), so it names the field and version.
 */
export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError'
}

export class ProtocolEncodeError extends Error {
  override name = 'ProtocolEncodeError'
}

/** Used by generated encoders when a field that is not nullable in `version` holds null. */
export function nullNotAllowed(field: string, version: number): never {
  throw new ProtocolEncodeError(`${field} is not nullable in version ${version}`)
}
