import Gateway
import Testing

@Suite("GUID parsing")
struct GUIDTests {
    static let canonical = "0f8fad5b-d9cb-469f-a165-70867728950e"

    @Test(arguments: [
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "0F8FAD5B-D9CB-469F-A165-70867728950E",
        "0f8fad5bd9cb469fa16570867728950e",
        "{0f8fad5b-d9cb-469f-a165-70867728950e}",
        "(0F8FAD5B-d9cb-469f-a165-70867728950e)",
    ])
    func acceptsDNBPInAnyCase(_ text: String) {
        #expect(GUID(text)?.description == Self.canonical)
        #expect(GUID(text)?.compact == "0f8fad5bd9cb469fa16570867728950e")
    }

    @Test(arguments: [
        "", "abc", " 0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e ", "0f8fad5b-d9cb-469f-a165-70867728950g",
        "{0f8fad5b-d9cb-469f-a165-70867728950e)", "0f8fad5bd9cb-469f-a165-70867728950e0", "0f8fad5b_d9cb_469f_a165_70867728950e",
        "{0x0f8fad5b,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x0e}}", "0f8fad5b-d9cb-469f-a165-70867728950é",
    ])
    func refusesEverythingElse(_ text: String) {
        #expect(GUID(text) == nil)
    }

    @Test func knowsTheEmptyGUID() {
        #expect(GUID("00000000-0000-0000-0000-000000000000")?.isEmpty == true)
        #expect(GUID(Self.canonical)?.isEmpty == false)
    }

    @Test func theSameGUIDInAnyFormIsEqualAndHashesAlike() {
        let forms = ["0F8FAD5B-D9CB-469F-A165-70867728950E", "0f8fad5bd9cb469fa16570867728950e", "{0f8fad5b-d9cb-469f-a165-70867728950e}"]
        let parsed = forms.compactMap { GUID($0) }
        #expect(parsed.count == 3)
        #expect(Set(parsed).count == 1)
        #expect(GUID(Self.canonical) != GUID("0f8fad5b-d9cb-469f-a165-70867728950f"))
        #expect(GUID(Self.canonical) != GUID("1f8fad5b-d9cb-469f-a165-70867728950e"))
    }

    /// Any 32 digits read back as the same digits, in both written forms.
    @Test func randomDigitsRoundTrip() {
        let hex = Array("0123456789abcdef")
        for _ in 0..<500 {
            let digits = String((0..<32).map { _ in hex[Int.random(in: 0..<16)] })
            let guid = GUID(digits.uppercased())
            #expect(guid?.compact == digits)
            #expect(guid.flatMap { GUID($0.description) } == guid)
            #expect(guid?.description.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        }
    }
}
