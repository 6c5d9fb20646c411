import Testing
@testable import Gateway

@Suite("SQLite store mirror")
struct SQLiteMirrorTests {
    let record = KVRecord(value: [1, 2], expiresAt: 100)

    func read(_ mirror: SQLiteMirror, _ key: String, now: Double = 50) -> [UInt8]?? {
        mirror.readOnly(now: now) { tx, _ in try tx.get(key)?.value }
    }

    @Test func readsOfMirroredKeysAndKnownAbsencesAreAnswered() {
        let mirror = SQLiteMirror()
        mirror.apply([StoreKey("a"): .some(record), StoreKey("gone"): nil])
        let both = mirror.readOnly(now: 50) { tx, _ in [try tx.get("a")?.value, try tx.get("gone")?.value] }
        #expect(both == [[1, 2], nil])
    }

    @Test func anExpiredRecordIsAMissNotAnAbsence() {
        // The purge may have removed it, and a clock stepped back must not bring it back from memory.
        let mirror = SQLiteMirror()
        mirror.apply([StoreKey("a"): .some(record)])
        #expect(read(mirror, "a", now: 100) == nil)
    }

    @Test func aMissAWriteOrACaughtMissNeedsTheStore() {
        let mirror = SQLiteMirror()
        mirror.apply([StoreKey("a"): .some(record)])
        #expect(read(mirror, "b") == nil)
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.put("a", record) } == nil)
        #expect(mirror.readOnly(now: 50) { tx, _ in try tx.delete("a") } == nil)
        #expect(mirror.readOnly(now: 50) { tx, _ in (try? tx.get("b")) ?? nil } == nil, "a body that swallowed the miss is not trusted")
    }

    @Test func theNewerGenerationWinsAndAnAbsenceHidesAnOlderValue() {
        let mirror = SQLiteMirror(capacity: 4)
        mirror.apply([StoreKey("k"): .some(KVRecord(value: [1], expiresAt: 100)), StoreKey("other"): .some(record)])  // fills the newer: rotates
        mirror.apply([StoreKey("k"): .some(KVRecord(value: [2], expiresAt: 100))])
        #expect(read(mirror, "k") == .some([2]))
        mirror.apply([StoreKey("k"): nil])
        #expect(read(mirror, "k") == .some(nil))
        #expect(read(mirror, "other") == .some([1, 2]))
    }

    @Test func largeValuesAreNotMirroredAndTheirOlderCopyIsForgotten() {
        let mirror = SQLiteMirror()
        mirror.apply([StoreKey("k"): .some(record), StoreKey("x"): .some(record)])
        mirror.apply([StoreKey("k"): .some(KVRecord(value: Array(repeating: 0, count: SQLiteMirror.maxValueBytes + 1), expiresAt: 100))])
        #expect(read(mirror, "k") == nil, "needs the store")
    }

    @Test func keysAreComparedAsBytesLikeSQLite() {
        let mirror = SQLiteMirror()
        mirror.apply([StoreKey("l:principal:caf\u{e9}"): .some(record)])
        #expect(read(mirror, "l:principal:caf\u{e9}") == .some([1, 2]))
        #expect(read(mirror, "l:principal:cafe\u{301}") == nil, "a canonically equal but different spelling is another row")
    }

    @Test func forgottenKeysAndAClosedMirrorNeedTheStore() {
        let mirror = SQLiteMirror()
        mirror.apply([StoreKey("a"): .some(record), StoreKey("b"): .some(record)])
        mirror.forget([StoreKey("a")])
        #expect(read(mirror, "a") == nil)
        #expect(read(mirror, "b") == .some([1, 2]))
        mirror.close()
        #expect(read(mirror, "b") == nil)
        mirror.apply([StoreKey("b"): .some(record)])
        #expect(read(mirror, "b") == nil)
    }

    @Test func itStaysWithinItsCapacityAndItsByteBudget() {
        let mirror = SQLiteMirror(capacity: 100)
        for index in 0..<1_000 { mirror.apply([StoreKey("k\(index)"): .some(record)]) }
        let held = (0..<1_000).filter { read(mirror, "k\($0)") != nil }
        #expect(held.count <= 100 && held.count >= 50)
        #expect(held.contains(999), "the newest entry is kept")
        let small = SQLiteMirror(capacity: 10_000, byteBudget: 64 * 1024)
        let value = KVRecord(value: Array(repeating: 7, count: 1024), expiresAt: 100)
        for index in 0..<1_000 { small.apply([StoreKey("k\(index)"): .some(value)]) }
        let kept = (0..<1_000).filter { read(small, "k\($0)") != nil }
        #expect(kept.count <= 64, "about 64 KiB of values at most, not \(kept.count) KiB")
    }
}
