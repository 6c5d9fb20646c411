import Foundation
import Gateway
import Logging
import NIOConcurrencyHelpers

/// A real gateway on a loopback port in front of a real stand-in upstream, configured through the real
/// config loader. Every response's record is kept for assertions on what the access log will show.
struct GatewayHarness: Sendable {
    let stub: StubUpstream
    let server: GatewayServer
    let ports: ListeningPorts.Ports
    let records: RecordLog
    let accessLogPath: String
    private let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(ports.gateway)" }
    var stubBase: String { "http://127.0.0.1:\(stub.port)" }
    let client = TestHTTPClient()

    /// - Parameters:
    ///   - sections: extra `key = value` lines per TOML section, over the test defaults.
    ///   - upstreamURL: where the gateway forwards; the stub by default.
    ///   - tables: TOML appended after the sections (for `[[auth.api_keys]]` and `[auth.jwt]`).
    static func start(
        stub options: StubOptions = StubOptions(), sections: [String: [String]] = [:], tables: String = "", upstreamURL: String? = nil,
        environment: [String: String] = [:]
    ) async throws -> GatewayHarness {
        var options = options
        options.port = 0
        let accessLogPath = try temporaryFile("", name: "access.log")
        let stub = try await StubUpstream.start(options)
        var merged: [String: [String]] = [
            "server": ["listen = \"127.0.0.1:0\""],
            "admin": ["listen = \"127.0.0.1:0\""],
            "upstream": ["url = \"\(upstreamURL ?? "http://127.0.0.1:\(stub.port)")\""],
            "auth": ["mode = \"none\""],
            "store": ["backend = \"memory\""],
            "access_log": ["path = \"\(accessLogPath)\""],
        ]
        // A key given in `sections` replaces the default line for the same key.
        for (section, lines) in sections {
            let keys = Set(lines.compactMap { $0.split(separator: "=").first?.trimmingCharacters(in: .whitespaces) })
            merged[section] = (merged[section] ?? []).filter { line in !keys.contains(line.split(separator: "=").first?.trimmingCharacters(in: .whitespaces) ?? "") } + lines
        }
        let text = merged.keys.sorted().map { "[\($0)]\n" + merged[$0, default: []].joined(separator: "\n") }.joined(separator: "\n\n")
            + "\n\n" + tables
        let report = ConfigLoader.parse(text: text, path: "test.conf", environment: environment)
        guard let config = report.config else {
            await stub.stop()
            throw HarnessError.badConfig(report.problems.map(\.description).joined(separator: "\n"))
        }
        let records = RecordLog()
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let server: GatewayServer
        do {
            server = try GatewayServer(config: config, logger: logger, environment: environment, observer: { response, _, _ in records.append(response) })
        } catch {
            await stub.stop()
            throw error
        }
        let task = Task { try await server.run(handleSignals: false) }
        let ports = await server.ports.wait()
        return GatewayHarness(stub: stub, server: server, ports: ports, records: records, accessLogPath: accessLogPath, task: task)
    }

    func stop() async {
        await server.shutdown()
        _ = await task.result
        await stub.stop()
    }

    /// Returns once `count` forwards are in flight (the admin `/metrics` gauge): a sync point for tests
    /// that send a copy while the first is with the upstream, instead of a sleep that a loaded machine
    /// can outlast.
    func waitUntilForwarding(_ count: Int = 1) async throws {
        for _ in 0..<500 {
            let metrics = await client.send("GET", "http://127.0.0.1:\(ports.admin)/metrics")
            if metrics.body.contains("gateway_inflight_forwards \(count)") { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessError.badConfig("no forward in flight after 5 s")
    }

    /// The stub's `/__stub/sent` document, decoded.
    func sent() async throws -> StubReport {
        let response = await client.send("GET", stubBase + "/__stub/sent")
        return try JSONDecoder().decode(StubReport.self, from: Data(response.body.utf8))
    }
}

enum HarnessError: Error {
    case badConfig(String)
}

struct StubReport: Decodable {
    struct Invitation: Decodable {
        var connectionRequestId: String
        var contactId: String
        var count: Int
    }

    var total: Int
    var invitations: [Invitation]
    var connections: Int
    var requests: Int
}

/// Records of the responses the gateway made, in order.
final class RecordLog: Sendable {
    private let entries = NIOLockedValueBox<[GatewayResponse]>([])

    func append(_ response: GatewayResponse) { entries.withLockedValue { $0.append(response) } }

    var all: [GatewayResponse] { entries.withLockedValue { $0 } }

    var last: GatewayResponse? { all.last }
}

/// Runs `body` against a fresh harness and always stops it.
func withGateway(
    stub options: StubOptions = StubOptions(), sections: [String: [String]] = [:], tables: String = "", upstreamURL: String? = nil,
    environment: [String: String] = [:], _ body: (GatewayHarness) async throws -> Void
) async throws {
    let harness = try await GatewayHarness.start(stub: options, sections: sections, tables: tables, upstreamURL: upstreamURL, environment: environment)
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        throw error
    }
    await harness.stop()
}

enum Fixtures {
    static let requestId = "7c0e2d6e-4f4b-4a59-9f1e-0c3b8a1d2e4f"
    static let contactId = "0f8fad5b-d9cb-469f-a165-70867728950e"

    static func resendPath(_ id: String = requestId, contact: String = contactId) -> String {
        "/api/connectionrequests/\(id)/resend?ContactId=\(contact)"
    }

    /// A fresh random GUID in D form.
    static func guid() -> String { UUID().uuidString.lowercased() }
}
