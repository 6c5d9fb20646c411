/// The arithmetic of the two limiters, pure and clock-injected so that edges can be tested exactly.
enum RateLimitMath {
    /// Strict rolling window: at most `limit` stamps in any window of `window` seconds ending now.
    /// Returns the stamps still inside the window, and — when full — the seconds until the oldest leaves.
    static func rollingWindow(stamps: [Double], limit: Int, window: Double, now: Double) -> (live: [Double], retryAfter: Double?) {
        let live = stamps.filter { $0 > now - window }.sorted()
        guard live.count >= limit else { return (live, nil) }
        // The slot frees when the (count - limit + 1)-th oldest stamp leaves the window.
        let freeing = live[live.count - limit]
        return (live, max(0, freeing + window - now))
    }

    /// GCRA (generic cell rate algorithm): `limit` per `window`, bursts up to `limit`. Returns the new
    /// theoretical arrival time when allowed, or the seconds to wait when not; and what is left.
    static func gcra(tat: Double?, limit: Int, window: Double, now: Double) -> (newTAT: Double?, retryAfter: Double?, remaining: Int) {
        let interval = window / Double(limit)
        let tolerance = window - interval
        let current = max(tat ?? now, now)
        if current - now > tolerance {
            return (nil, current - tolerance - now, 0)
        }
        let next = current + interval
        let remaining = max(0, Int(((now + window - next) / interval).rounded(.down)))
        return (next, nil, remaining)
    }

    /// What is left for a GCRA key without taking anything.
    static func gcraRemaining(tat: Double?, limit: Int, window: Double, now: Double) -> Int {
        let interval = window / Double(limit)
        let current = max(tat ?? now, now)
        return max(0, min(limit, Int(((now + window - current) / interval).rounded(.down))))
    }
}
