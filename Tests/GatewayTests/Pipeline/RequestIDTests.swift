import Testing
@testable import Gateway

@Suite("Request ids")
struct RequestIDTests {
    @Test func generatedIdsAre32LowerCaseHexDigitsAndDistinct() {
        let ids = (0..<1_000).map { _ in RequestID.generate() }
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
        #expect(Set(ids).count == ids.count)
        // Every position takes more than one value (no digit is stuck, e.g. a leading zero).
        for position in 0..<32 {
            #expect(Set(ids.map { Array($0.utf8)[position] }).count > 4)
        }
    }

    /// The ids come from a shared pool refilled from the kernel: draws from several threads, across
    /// many refills, never repeat.
    @Test func concurrentDrawsAcrossRefillsNeverRepeat() async {
        let batches = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2_000).map { _ in RequestID.generate() } } }
            var all: [[String]] = []
            for await batch in group { all.append(batch) }
            return all
        }
        let ids = batches.flatMap { $0 }
        #expect(ids.count == 8_000)
        #expect(Set(ids).count == ids.count)
    }

    @Test func aClientsPlainTokenIsKeptAnythingElseReplaced() {
        #expect(RequestID.accept("abc-DEF_1.2") == "abc-DEF_1.2")
        for bad in ["", String(repeating: "a", count: 65), "a b", "../x", "a;b", "caf\u{e9}"] {
            #expect(RequestID.accept(bad).utf8.count == 32)
        }
    }
}
