import Testing
@testable import Gateway

@Suite("SQLite store mirror")
struct SQLiteMirrorTests {
    let record = KVRecord(value: [1, 2], expiresAt: 100)

    @Test func readsOfMirroredKeysAndKnownAbsencesAreAnswered() {
        let mirror = SQLiteMirror()
        mirror.apply(["a": .some(record), "gone": nil])
        let read = mirror.readOnly(now: 50) { tx, _ in [try tx.get("a")?.value, try tx.get("gone")?.value] }
        #expect(read == [[1, 2], nil])
    }

    @Test func expiredRecordsReadAsAbsent() {
        let mirror = SQLiteMirror()
        mirror.apply(["a": .some(record)])
        #expect(mirror.readOnly(now: 100) { tx, _ in try tx.get("a") } == .some(nil))
    }

    @Test func aMissAWriteOrACaughtMissNeedsTheStore() {
        let mirror = SQLiteMirror()
        mirror.apply(["a": .some(record)])
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.get("b") } == nil)
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.put("a", record) } == nil)
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.delete("a") } == nil)
        #expect(mirror.readOnly(now: 50) { tx, _ in (try? tx.get("b")) ?? nil } == nil, "a body that swallowed the miss is not trusted")
    }

    @Test func forgottenKeysAndAClosedMirrorNeedTheStore() {
        let mirror = SQLiteMirror()
        mirror.apply(["a": .some(record), "b": .some(record)])
        mirror.forget(["a"])
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.get("a") } == nil)
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.get("b")?.value } == [1, 2])
        mirror.close()
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.get("b")?.value } == nil)
        mirror.apply(["b": .some(record)])
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.get("b")?.value } == nil)
    }

    @Test func itStaysWithinItsCapacity() {
        let mirror = SQLiteMirror(capacity: 100)
        for index in 0..<1_000 { mirror.apply(["k\(index)": .some(record)]) }
        let held = (0..<1_000).filter { index in mirror.readOnly(now: 50) { tx, _ in try tx.get("k\(index)") } != nil }
        #expect(held.count <= 100 && held.count >= 50)
        #expect(held.contains(999), "the newest entry is kept")
    }
}
