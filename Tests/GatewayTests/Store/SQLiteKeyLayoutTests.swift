// Why this file exists: the sqlite store's key layout must be one-to-one (two logical keys sharing a
// stored key would merge two records) and must put a resend's claim beside its contact's limit record.

import Testing
@testable import Gateway

@Suite struct SQLiteKeyLayoutTests {
    let request = "6a1f0000-0000-4000-8000-000000000001"
    let contact = "c0c0c0c0-0000-4000-8000-000000000002"

    @Test func aResendAndItsContactShareAPrefix() {
        let claim = SQLiteKeyLayout.storageKey("i:\(request):\(contact)")
        let limit = SQLiteKeyLayout.storageKey("l:contact:\(contact)")
        #expect(limit == "c:\(contact)")
        #expect(claim == "c:\(contact):i:\(request)")
        #expect(claim.hasPrefix(limit))
    }

    @Test func otherKeysKeepTheirNameUnlessTheyCouldCollide() {
        #expect(SQLiteKeyLayout.storageKey("k:principal:abc") == "k:principal:abc")
        #expect(SQLiteKeyLayout.storageKey("l:principal:bench") == "l:principal:bench")
        #expect(SQLiteKeyLayout.storageKey("__probe") == "__probe")
        #expect(SQLiteKeyLayout.storageKey("") == "")
        #expect(SQLiteKeyLayout.storageKey("c:\(contact)") == "o:c:\(contact)")
        #expect(SQLiteKeyLayout.storageKey("o:x") == "o:o:x")
        // Shapes the mapping does not recognise are stored as they are.
        #expect(SQLiteKeyLayout.storageKey("i:no-second-part") == "i:no-second-part")
        #expect(SQLiteKeyLayout.storageKey("i:a:b:c") == "i:a:b:c")
        #expect(SQLiteKeyLayout.storageKey("l:contact:a:b") == "l:contact:a:b")
    }

    @Test func noTwoKeysShareAStoredKey() {
        let parts = ["", "a", "b", ":", "a:b", "c:", "o:", "i:", "l:contact:", "i:a", "c:a", "é", "\u{0}"]
        var keys: Set<String> = []
        for x in parts {
            for y in parts {
                for z in parts { keys.insert(x + y + z) }
            }
        }
        var seen: [String: String] = [:]
        for key in keys {
            let stored = SQLiteKeyLayout.storageKey(key)
            #expect(seen[stored] == nil, "\(key.debugDescription) and \(seen[stored]?.debugDescription ?? "") are both stored as \(stored.debugDescription)")
            seen[stored] = key
        }
    }
}
