import Crypto
import Foundation

/// SHA-256 as lowercase hex: API-key digests, idempotency-key scopes, configuration hashes.
public enum Digest {
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
