import ArgumentParser
import Foundation
import Gateway

/// `gateway hash-key`: the `sha256 = "…"` line for an API key, to paste into `[[auth.api_keys]]`.
struct HashKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-key", abstract: "Print the sha256 line for an API key (reads the key from stdin without KEY).")

    @Argument(help: "The API key. Omit it to read the key from stdin, keeping it out of shell history.")
    var key: String?

    func run() throws {
        let secret: String
        if let key {
            secret = key
        } else {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            secret = String(decoding: input, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        guard !secret.isEmpty else {
            printError("hash-key: the key is empty")
            throw ExitCode(1)
        }
        print("sha256 = \"\(Digest.sha256Hex(secret))\"")
    }
}
