import Foundation

/// The built `gateway` executable, run as a child process.
enum GatewayProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable beside the test bundle (`swift test` builds every product into the same folder).
    static var executable: URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("gateway").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("gateway")
    }

    /// Runs to completion, feeding `input` on stdin.
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) async throws -> Result {
        let process = try start(arguments, environment: environment)
        if let input {
            process.standardInput?.write(Data(input.utf8))
        }
        try? process.standardInput?.close()
        return await finish(process)
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(
            executable: executable.path, arguments: arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    /// Waits for exit without blocking the cooperative pool, collecting both streams as they come (one
    /// reader each, so a child filling one pipe never stalls on the other).
    static func finish(_ process: ChildProcess) async -> Result {
        async let stdout = drain(process.standardOutput)
        async let stderr = drain(process.standardError)
        let (out, err) = await (stdout, stderr)
        let status = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: process.waitUntilExit()) }.start()
        }
        return Result(status: status, stdout: out, stderr: err)
    }

    private static func drain(_ handle: FileHandle?) async -> String {
        guard let handle else { return "" }
        return await withCheckedContinuation { continuation in
            Thread {
                let data = (try? handle.readToEnd()) ?? Data()
                continuation.resume(returning: String(decoding: data, as: UTF8.self))
            }.start()
        }
    }
}

extension GatewayProcess {
    /// A gateway.conf for a process test on loopback ports: no authentication, `extra` appended.
    static func config(gateway: Int, admin: Int, upstream: String, upstreamLines: String = "", extra: String) throws -> String {
        try temporaryFile("""
            [server]
            listen = "127.0.0.1:\(gateway)"
            [admin]
            listen = "127.0.0.1:\(admin)"
            [upstream]
            url = "\(upstream)"
            \(upstreamLines)
            [auth]
            mode = "none"
            \(extra)
            """)
    }

    /// Starts `gateway stub-upstream` on `port` and returns once it answers, so a gateway started next
    /// never meets a closed port on a busy machine.
    static func stub(port: Int, latency: Int = 0) async throws -> ChildProcess {
        try await started(["stub-upstream", "--listen", "127.0.0.1:\(port)", "--latency", String(latency)], answering: "http://127.0.0.1:\(port)/__stub/sent")
    }

    /// Starts `gateway serve` and returns once its admin `/healthz` answers.
    static func serve(config: String, admin: Int) async throws -> ChildProcess {
        try await started(["serve", "--config", config], answering: "http://127.0.0.1:\(admin)/healthz")
    }

    /// Starts the process and returns once `url` answers 200 (within 10 s, or it is stopped and its
    /// stderr thrown).
    private static func started(_ arguments: [String], answering url: String) async throws -> ChildProcess {
        let process = try start(arguments)
        let client = TestHTTPClient()
        for _ in 0..<100 {
            if await client.send("GET", url).status == 200 { return process }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw GatewayProcessError.notReady(await finish(process).stderr)
    }
}

enum GatewayProcessError: Error {
    case notReady(String)
}

/// A temporary file that holds `text`.
func temporaryFile(_ text: String, name: String = "gateway.conf") throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent(name)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
}
