/**
 * Responses leave a connection in request order even though requests are handled concurrently:
 * each request takes a ticket on arrival; a finished response waits until every earlier ticket
 * is done. A request without a response (Produce with acks=0) still completes its ticket.
 */
export type SendChunks = (chunks: readonly Buffer[]) => void

export class ResponseQueue {
  readonly #send: SendChunks
  readonly #done = new Map<number, readonly Buffer[] | null>()
  #nextTicket = 0
  #nextToSend = 0

  constructor(send: SendChunks) {
    this.#send = send
  }

  /** Requests taken but not yet answered (or released). */
  get pending(): number {
    return this.#nextTicket - this.#nextToSend
  }

  take(): number {
    return this.#nextTicket++
  }

  /** `chunks` null: the request has no response; later ones may go. */
  complete(ticket: number, chunks: readonly Buffer[] | null): void {
    if (ticket < this.#nextToSend || ticket >= this.#nextTicket || this.#done.has(ticket)) {
      throw new Error(`response ticket ${ticket} is not outstanding`)
    }
    this.#done.set(ticket, chunks)
    while (this.#done.has(this.#nextToSend)) {
      const ready = this.#done.get(this.#nextToSend)
      this.#done.delete(this.#nextToSend)
      this.#nextToSend++
      if (ready) this.#send(ready)
    }
  }
}
