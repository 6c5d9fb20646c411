import Crypto
import Foundation

/// Digests as lowercase hex: API-key digests, idempotency-key scopes, configuration hashes, and the
/// SHA-1 by which Redis names a Lua script.
public enum Digest {
    public static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    static func sha1Hex(_ text: String) -> String {
        hex(Insecure.SHA1.hash(data: Data(text.utf8)))
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
