import Testing
@testable import Gateway

@Suite("Store record encoding")
struct RecordCodecTests {
    @Test func everyRecordRoundTrips() throws {
        let outcome = StoredOutcome(kind: .response, status: 200, format: "xml", contentType: "application/xml", body: Array("<x/>".utf8), code: nil, windowEnd: 1_700_000_000.5)
        let claim = ClaimRecord(phase: .completed, token: "t", identity: "a:b", sentDeadline: 12.25, contactStamp: nil, outcome: outcome)
        #expect(try RecordCodec.decode(ClaimRecord.self, RecordCodec.encode(claim)) == claim)
        let bare = ClaimRecord(phase: .claimed, token: "", identity: "é", sentDeadline: nil, contactStamp: 3, outcome: nil)
        #expect(try RecordCodec.decode(ClaimRecord.self, RecordCodec.encode(bare)) == bare)
        #expect(try RecordCodec.decode(WindowLog.self, RecordCodec.encode(WindowLog(stamps: [1, 2.5]))) == WindowLog(stamps: [1, 2.5]))
        #expect(try RecordCodec.decode(GCRAState.self, RecordCodec.encode(GCRAState(tat: -4))) == GCRAState(tat: -4))
    }

    @Test func damagedRecordsAreStoreErrorsNotCrashes() throws {
        let claim = ClaimRecord(phase: .sent, token: "token", identity: "a:b", sentDeadline: 1, contactStamp: 2, outcome: nil)
        let bytes = try RecordCodec.encode(claim)
        for length in 0..<bytes.count {
            #expect(throws: StoreError.self) { try RecordCodec.decode(ClaimRecord.self, Array(bytes.prefix(length))) }
        }
        var wrongVersion = bytes
        wrongVersion[0] = 9
        #expect(throws: StoreError.self) { try RecordCodec.decode(ClaimRecord.self, wrongVersion) }
    }
}
