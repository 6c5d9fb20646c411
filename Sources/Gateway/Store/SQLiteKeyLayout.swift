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
        let utf8 = key.utf8
        if utf8.starts(with: contactLimitPrefix) {
            let contact = utf8.dropFirst(contactLimitPrefix.count)
            if !contact.contains(colon) { return "c:" + String(Substring(contact)) }
        } else if utf8.starts(with: identityPrefix) {
            let rest = utf8.dropFirst(identityPrefix.count)
            if let split = rest.firstIndex(of: colon) {
                let contact = rest[rest.index(after: split)...]
                if !contact.contains(colon) {
                    return "c:" + String(Substring(contact)) + ":i:" + String(Substring(rest[..<split]))
                }
            }
        }
        if utf8.starts(with: "c:".utf8) || utf8.starts(with: "o:".utf8) { return "o:" + key }
        return key
    }

    private static let colon = UInt8(ascii: ":")
    private static let identityPrefix = Array("i:".utf8)
    private static let contactLimitPrefix = Array("l:contact:".utf8)

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
