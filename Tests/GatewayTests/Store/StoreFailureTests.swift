import CSQLite
import Foundation
import Gateway
import Testing

@Suite("A store that does not answer")
struct StoreFailureTests {
    /// Holds an exclusive lock on the state file from outside, so the gateway's transactions fail.
    final class ExternalLock {
        var handle: OpaquePointer?

        init(_ path: String) {
            _ = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil)
            _ = sqlite3_exec(handle, "BEGIN EXCLUSIVE", nil, nil, nil)
        }

        func release() {
            _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            _ = sqlite3_close(handle)
        }
    }

    func statePath() throws -> String {
        URL(fileURLWithPath: try temporaryFile("")).deletingLastPathComponent().appendingPathComponent("state.db").path
    }

    @Test func rejectModeAnswers503AndForwardsNothing() async throws {
        let path = try statePath()
        try await withGateway(sections: ["store": ["backend = \"sqlite\"", "path = \"\(path)\"", "timeout = \"2s\""]]) { gateway in
            let lock = ExternalLock(path)
            let refused = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            lock.release()
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.body.contains("StoreUnavailable"))
            #expect(gateway.records.last?.record.decision == .storeError)
            #expect(await gateway.client.send("POST", gateway.base + Fixtures.resendPath()).status == 200)
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }

    @Test func allowModeForwardsWithoutProtectionAndSaysSo() async throws {
        let path = try statePath()
        let sections = ["store": ["backend = \"sqlite\"", "path = \"\(path)\"", "timeout = \"2s\"", "on_error = \"allow\""]]
        try await withGateway(sections: sections) { gateway in
            let lock = ExternalLock(path)
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            lock.release()
            #expect(response.status == 200)
            #expect(gateway.records.last?.record.policy == "store_bypassed")
        }
    }
}
