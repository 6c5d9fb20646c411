import Testing
@testable import Gateway

@Suite("Config value syntaxes: durations, sizes, rates")
struct ConfigValuesTests {
    @Test("valid durations", arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("10s", .seconds(10)),
        ("10m", .seconds(600)),
        ("24h", .seconds(86_400)),
        ("1d", .seconds(86_400)),
        ("0s", .zero),
        ("1h30m", .seconds(5_400)),
        ("250ms", .milliseconds(250)),
    ])
    func validDuration(text: String, expected: Duration) {
        #expect(ConfigValues.duration(text) == expected)
    }

    @Test("invalid durations", arguments: [
        "", "10", "10 seconds", "10 s", "-5s", "1.5s", "s", "10S", "10sec", "5w", " 10s", "10s ",
        "99999999999999d",
    ])
    func invalidDuration(text: String) {
        #expect(ConfigValues.duration(text) == nil)
    }

    @Test("durations print in their shortest exact form", arguments: [
        (Duration.zero, "0s"), (.milliseconds(250), "250ms"), (.seconds(90), "90s"),
        (.seconds(600), "10m"), (.seconds(86_400), "1d"), (.milliseconds(1_500), "1500ms"),
    ])
    func formatDuration(duration: Duration, expected: String) {
        #expect(ConfigValues.format(duration) == expected)
    }

    @Test("valid sizes", arguments: [
        ("64KiB", 65_536), ("1MiB", 1_048_576), ("16KiB", 16_384), ("512", 512), ("512B", 512),
        ("2GiB", 2_147_483_648), ("10KB", 10_000), ("1MB", 1_000_000), ("64kib", 65_536), ("64 KiB", 65_536),
    ])
    func validSize(text: String, expected: Int) {
        #expect(ConfigValues.size(text) == expected)
    }

    @Test("invalid sizes", arguments: ["", "KiB", "64KB/s", "-1", "1.5MiB", "64 kibibytes", "64  KiB", "64TiB", "0x40"])
    func invalidSize(text: String) {
        #expect(ConfigValues.size(text) == nil)
    }

    @Test("valid rates", arguments: [
        ("3/1h", 3, Duration.seconds(3_600)),
        ("600/1m", 600, .seconds(60)),
        ("600/m", 600, .seconds(60)),
        ("10/s", 10, .seconds(1)),
        ("5/500ms", 5, .milliseconds(500)),
        ("1/1d", 1, .seconds(86_400)),
    ])
    func validRate(text: String, limit: Int, window: Duration) {
        #expect(Rate(text) == Rate(limit: limit, window: window))
    }

    @Test("invalid rates", arguments: ["", "3", "3/", "/1h", "0/1h", "-1/1h", "3/0s", "3/1 hour", "3/1h/2", "x/1h", "3/h1", " 3/1h"])
    func invalidRate(text: String) {
        #expect(Rate(text) == nil)
    }

    @Test func rateDescription() {
        #expect(Rate("600/m")?.description == "600/1m")
        #expect(Rate("3/1h")?.description == "3/1h")
    }
}
