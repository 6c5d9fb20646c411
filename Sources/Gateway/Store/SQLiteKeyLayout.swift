// Why this file exists: where a record lives in the `sqlite` state file. SQLite appends every page a
// commit dirties to its log (4 KiB each, later copied into the file and synced), so pages per resend
// are the store's cost. Under `Admission`'s keys a resend's claim ("i:<request>:<contact>") and its
// contact's rate-limit record ("l:contact:<contact>") sort far apart, on two random pages; stored
// contact first they sit side by side, on one. The layout is applied only where keys are bound to SQL:
// `Admission`, the mirror and the Redis store keep the logical keys (Redis instances of two versions
// must agree on them during a rolling upgrade; one SQLite file has one gateway).

import CSQLite

enum SQLiteKeyLayout {
    /// The key a logical key is stored under — a one-to-one mapping:
    /// - `i:<request>:<contact>` → `c:<contact>:i:<request>` (neither part containing `:`)
    /// - `l:contact:<contact>` → `c:<contact>` (no `:` in the contact)
    /// - any other key starting with `c:` or `o:` → `o:` + key, so no two keys share a stored key
    /// - every other key → itself
    static func storageKey(_ key: String) -> String {
        var key = key
        // On the key's bytes: this runs for every read and write of the store.
        return key.withUTF8 { bytes in
            if bytes.starts(with: contactLimitPrefix) {
                let contact = UnsafeBufferPointer(rebasing: bytes[contactLimitPrefix.count...])
                if !contact.contains(colon) { return joined(contactPrefix, contact) }
            } else if bytes.starts(with: identityPrefix) {
                let rest = UnsafeBufferPointer(rebasing: bytes[identityPrefix.count...])
                if let split = rest.firstIndex(of: colon) {
                    let contact = UnsafeBufferPointer(rebasing: rest[(split + 1)...])
                    if !contact.contains(colon) {
                        return joined(contactPrefix, contact, identityInfix, UnsafeBufferPointer(rebasing: rest[..<split]))
                    }
                }
            }
            if bytes.starts(with: contactPrefix) || bytes.starts(with: escapePrefix) {
                return joined(escapePrefix, bytes)
            }
            return nil
        } ?? key
    }

    private static let colon = UInt8(ascii: ":")
    private static let identityPrefix: [UInt8] = Array("i:".utf8)
    private static let contactLimitPrefix: [UInt8] = Array("l:contact:".utf8)
    private static let contactPrefix: [UInt8] = Array("c:".utf8)
    private static let escapePrefix: [UInt8] = Array("o:".utf8)
    private static let identityInfix: [UInt8] = Array(":i:".utf8)

    private static func joined(
        _ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>, _ c: [UInt8] = [], _ d: UnsafeBufferPointer<UInt8> = .init(start: nil, count: 0)
    ) -> String {
        String(unsafeUninitializedCapacity: a.count + b.count + c.count + d.count) { buffer in
            var at = buffer.initialize(fromContentsOf: a)
            at = buffer[at...].initialize(fromContentsOf: b)
            at = buffer[at...].initialize(fromContentsOf: c)
            return buffer[at...].initialize(fromContentsOf: d)
        }
    }

    /// Registers `gateway_storage_key(key)` on `db`, so a migration rewrites stored keys with exactly
    /// the mapping the connection binds.
    static func registerSQLFunction(on db: OpaquePointer) -> Int32 {
        sqlite3_create_function_v2(
            db, "gateway_storage_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, arguments in
                guard let argument = arguments?[0], let text = sqlite3_value_text(argument) else {
                    sqlite3_result_null(context)
                    return
                }
                let key = String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(argument))), as: UTF8.self)
                var stored = SQLiteKeyLayout.storageKey(key)
                stored.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, bytes.count > 0 else {
                        sqlite3_result_text(context, "", 0, csqlite_transient())
                        return
                    }
                    let chars = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                    sqlite3_result_text(context, chars, Int32(bytes.count), csqlite_transient())
                }
            }, nil, nil, nil)
    }
}
