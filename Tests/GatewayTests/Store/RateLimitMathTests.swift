import Testing
@testable import Gateway

@Suite("Rate-limit arithmetic with an injected clock")
struct RateLimitMathTests {
    @Test func rollingWindowAllowsExactlyNInAnyWindow() {
        // 3 per 3600 s, stamps at 0, 10, 20.
        let stamps: [Double] = [0, 10, 20]
        #expect(RateLimitMath.rollingWindow(stamps: [0, 10], limit: 3, window: 3600, now: 30).retryAfter == nil)
        #expect(RateLimitMath.rollingWindow(stamps: stamps, limit: 3, window: 3600, now: 30).retryAfter == 3570)
        // At the boundary the oldest stamp leaves: exactly W after it, a slot is free.
        #expect(RateLimitMath.rollingWindow(stamps: stamps, limit: 3, window: 3600, now: 3599.5).retryAfter == 0.5)
        #expect(RateLimitMath.rollingWindow(stamps: stamps, limit: 3, window: 3600, now: 3600).retryAfter == nil)
        #expect(RateLimitMath.rollingWindow(stamps: stamps, limit: 3, window: 3600, now: 3600).live == [10, 20])
    }

    @Test func rollingWindowIsNotATokenBucket() {
        // A burst of 3 at the end of one window and 3 at the start of the next would be 6 in 2 s.
        let burst: [Double] = [3598, 3599, 3599.5]
        #expect(RateLimitMath.rollingWindow(stamps: burst, limit: 3, window: 3600, now: 3601).retryAfter == 3597)
    }

    @Test func gcraAllowsABurstOfNThenOneEveryInterval() {
        var tat: Double?
        for _ in 0..<10 {
            let step = RateLimitMath.gcra(tat: tat, limit: 10, window: 60, now: 100)
            #expect(step.retryAfter == nil)
            tat = step.newTAT
        }
        let refused = RateLimitMath.gcra(tat: tat, limit: 10, window: 60, now: 100)
        #expect(refused.retryAfter == 6)
        #expect(refused.remaining == 0)
        #expect(RateLimitMath.gcra(tat: tat, limit: 10, window: 60, now: 106).retryAfter == nil)
    }

    @Test func gcraRemainingCountsDown() {
        let first = RateLimitMath.gcra(tat: nil, limit: 600, window: 60, now: 0)
        #expect(first.remaining == 599)
        #expect(RateLimitMath.gcraRemaining(tat: first.newTAT, limit: 600, window: 60, now: 0) == 599)
        #expect(RateLimitMath.gcraRemaining(tat: nil, limit: 600, window: 60, now: 0) == 600)
    }
}
