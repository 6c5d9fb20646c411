// Why `[auth.jwt]` could not be turned into verification keys at startup or reload. Messages name
// the setting, variable or file at fault and never include a secret or any key material.

public struct JWTSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
