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
            (process.standardInput as? Pipe)?.fileHandleForWriting.write(Data(input.utf8))
        }
        try? (process.standardInput as? Pipe)?.fileHandleForWriting.close()
        return await finish(process)
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = Pipe()
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
    }

    /// Waits for exit without blocking the cooperative pool, then collects both streams.
    static func finish(_ process: Process) async -> Result {
        let out = (process.standardOutput as? Pipe)?.fileHandleForReading
        let err = (process.standardError as? Pipe)?.fileHandleForReading
        return await withCheckedContinuation { continuation in
            Thread {
                let stdout = out?.readDataToEndOfFile() ?? Data()
                let stderr = err?.readDataToEndOfFile() ?? Data()
                process.waitUntilExit()
                continuation.resume(returning: Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self)))
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

    /// Starts `gateway serve` and returns once its admin `/healthz` answers.
    static func serve(config: String, admin: Int) async throws -> Process {
        let process = try start(["serve", "--config", config])
        let client = TestHTTPClient()
        for _ in 0..<100 {
            if await client.send("GET", "http://127.0.0.1:\(admin)/healthz").status == 200 { return process }
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
