import Foundation
import NIOConcurrencyHelpers

/// A real `redis-server` on loopback. `shared` is the one CI starts (`GATEWAY_TEST_REDIS_URL`) or, when
/// that is unset, one this test process starts on first use; tests that stop and restart Redis start
/// their own with `start()`. Every test uses its own key prefix, so they never see each other's keys.
final class RedisTestServer: Sendable {
    let port: Int
    private let arguments: [String]
    private let process = NIOLockedValueBox<ChildProcess?>(nil)

    var url: String { "redis://127.0.0.1:\(port)/0" }

    private init(port: Int, arguments: [String] = []) {
        self.port = port
        self.arguments = arguments
    }

    static let shared: RedisTestServer = {
        if let url = ProcessInfo.processInfo.environment["GATEWAY_TEST_REDIS_URL"], let port = url.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) }) {
            return RedisTestServer(port: port)
        }
        // A local run without CI's server: one of our own, stopped when the tests exit.
        guard let server = try? start() else { fatalError("redis-server is needed for the Redis tests: install it, or set GATEWAY_TEST_REDIS_URL") }
        ownShared.withLockedValue { $0 = server }
        atexit { RedisTestServer.ownShared.withLockedValue { $0 }?.stop() }
        return server
    }()

    private static let ownShared = NIOLockedValueBox<RedisTestServer?>(nil)

    /// Starts a fresh server (no persistence) on a free port and waits until it accepts connections.
    static func start(arguments: [String] = []) throws -> RedisTestServer {
        let server = RedisTestServer(port: try closedPort(), arguments: arguments)
        try server.resume()
        return server
    }

    /// Starts the server again on the same port (after `stop()`), with its data gone.
    func resume() throws {
        let process = try ChildProcess(
            executable: try Self.executable(),
            arguments: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"] + arguments,
            pipes: false)
        self.process.withLockedValue { $0 = process }
        for _ in 0..<100 {
            if Self.accepts(port) { return }
            usleep(50_000)
        }
        stop()
        throw RedisTestServerError.notReady
    }

    func stop() {
        guard let process = process.withLockedValue({ $0 }) else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process.withLockedValue { $0 = nil }
    }

    /// SIGSTOP: the server keeps its connections but answers nothing, like a hung host.
    func freeze() { signal(SIGSTOP) }

    func thaw() { signal(SIGCONT) }

    private func signal(_ number: Int32) {
        if let process = process.withLockedValue({ $0 }) { kill(process.processIdentifier, number) }
    }

    static func uniquePrefix() -> String { "test:\(UUID().uuidString.prefix(8)):" }

    private static func executable() throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: folder + "/redis-server") {
            return folder + "/redis-server"
        }
        throw RedisTestServerError.notInstalled
    }

    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { _ = Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

enum RedisTestServerError: Error {
    case notInstalled, notReady
}
