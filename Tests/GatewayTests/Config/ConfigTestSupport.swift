import Foundation
@testable import Gateway

/// Helpers shared by the configuration tests.
enum ConfigFixture {
    static let digestA = String(repeating: "ab", count: 32)
    static let digestB = String(repeating: "cd", count: 32)

    /// One valid API key, enough for the default api_key mode.
    static let apiKey = """
    [[auth.api_keys]]
    name = "crm"
    sha256 = "\(digestA)"

    """

    static func parse(_ text: String, environment: [String: String] = [:]) -> ConfigReport {
        ConfigLoader.parse(text: text, path: "gateway.conf", environment: environment)
    }

    /// The defaults with the fixture's API key.
    static var defaultsWithKey: GatewayConfig {
        var config = GatewayConfig.defaults
        config.auth.apiKeys = [APIKeyEntry(name: "crm", sha256: Array(repeating: 0xab, count: 32))]
        return config
    }

    /// A fresh file in the temporary directory holding `contents`.
    static func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cfgtest-\(UUID().uuidString)")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The repository root: this file is Tests/GatewayTests/Config/ConfigTestSupport.swift.
    static func repositoryRoot() -> URL {
        let thisFile: String = #filePath
        return URL(fileURLWithPath: thisFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
}

extension ConfigReport {
    /// Every problem and warning as printed.
    var allDescriptions: [String] { (problems + warnings).map(\.description) }
}
