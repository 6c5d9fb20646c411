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
}
