import { describe, expect, it } from 'vitest'
import { Throttler } from './throttler.js'

describe('Throttler', () => {
  it('sleeps at the end of each 300 ms period so the rate comes down to the limit, and never below it', async () => {
    let now = 0
    const sleeps: number[] = []
    const t = new Throttler(() => 1_000_000, { now: () => now, sleep: async (ms) => void sleeps.push(ms) })
    // 1 MB in 301 ms: three times the limit, so the period is stretched to 1 s.
    now = 301
    await t.maybeThrottle(1_000_000)
    expect(sleeps).toEqual([699])
    // Under the limit: no sleep.
    now += 400
    await t.maybeThrottle(100_000)
    expect(sleeps).toEqual([699])
    // Within a period nothing is decided yet.
    now += 100
    await t.maybeThrottle(10_000_000)
    expect(sleeps).toEqual([699])
  })

  it('never sleeps at the default limit (Double.MAX_VALUE)', async () => {
    let now = 0
    const sleeps: number[] = []
    const t = new Throttler(() => Number.MAX_VALUE, { now: () => now, sleep: async (ms) => void sleeps.push(ms) })
    now = 1000
    await t.maybeThrottle(1e12)
    expect(sleeps).toEqual([])
  })
})
