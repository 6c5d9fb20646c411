import Testing
@testable import Gateway

@Suite("Addresses: HOST:PORT, CIDR, upstream URL")
struct ConfigAddressTests {
    @Test("valid HOST:PORT", arguments: [
        ("0.0.0.0:8080", "0.0.0.0", 8080, "0.0.0.0:8080"),
        ("[::1]:8080", "::1", 8080, "[::1]:8080"),
        ("localhost:0", "localhost", 0, "localhost:0"),
        ("127.0.0.1:65535", "127.0.0.1", 65535, "127.0.0.1:65535"),
        ("[::]:9901", "::", 9901, "[::]:9901"),
        ("gateway-1.internal:443", "gateway-1.internal", 443, "gateway-1.internal:443"),
    ])
    func validHostPort(text: String, host: String, port: Int, printed: String) {
        let parsed = HostPort(text)
        #expect(parsed == HostPort(host: host, port: port))
        #expect(parsed?.description == printed)
        #expect(HostPort(parsing: text) == parsed)
    }

    @Test("invalid HOST:PORT", arguments: [
        "", "8080", ":8080", "localhost", "localhost:", "localhost:65536", "localhost:-1", "::1:8080",
        "[::1]", "[::1:8080", "[zz]:80", "host name:80", "a..b:80", "999.1.1.1:80", "localhost:80a", "http://x:80",
    ])
    func invalidHostPort(text: String) {
        #expect(HostPort(text) == nil)
    }

    @Test("CIDR membership", arguments: [
        ("10.0.0.0/8", "10.1.2.3", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.7", "192.168.1.7", true),
        ("192.168.1.7", "192.168.1.8", false),
        ("172.16.0.0/12", "172.31.255.255", true),
        ("172.16.0.0/12", "172.32.0.0", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("::1/128", "::1", true),
        ("::1", "::2", false),
        ("fd00::/8", "fd12:3456::1", true),
        ("fd00::/8", "fe80::1", false),
        ("10.0.0.0/8", "::ffff:10.9.8.7", true),
        ("10.0.0.0/8", "[::1]", false),
        ("::/0", "10.0.0.1", false),
        ("10.1.2.3/8", "10.200.0.1", true),
        ("10.0.0.0/8", "not-an-ip", false),
        ("fe80::/10", "fe80::1%eth0", true),
    ])
    func cidrContains(cidr: String, address: String, expected: Bool) throws {
        let network = try #require(CIDR(cidr))
        #expect(network.contains(address) == expected)
    }

    @Test("invalid CIDRs", arguments: ["", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0/8", "host/8", "10.0.0.0/8/8", "10.0.0.0/-1", "10.0.0.0/a"])
    func invalidCIDR(text: String) {
        #expect(CIDR(text) == nil)
    }

    @Test func cidrDescriptionIsNormalised() {
        #expect(CIDR("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(CIDR("::1")?.description == "::1/128")
    }

    @Test("valid upstream URLs", arguments: [
        ("https://pfapi.pstpf.com.au", "https", "pfapi.pstpf.com.au", nil, "", "https://pfapi.pstpf.com.au"),
        ("https://pfapi.pstpf.com.au/", "https", "pfapi.pstpf.com.au", nil, "", "https://pfapi.pstpf.com.au"),
        ("http://127.0.0.1:8081/base/", "http", "127.0.0.1", 8081, "/base", "http://127.0.0.1:8081/base"),
        ("HTTP://Example.COM", "http", "example.com", nil, "", "http://example.com"),
        ("http://[::1]:8081", "http", "::1", 8081, "", "http://[::1]:8081"),
    ] as [(String, String, String, Int?, String, String)])
    func validURL(text: String, scheme: String, host: String, port: Int?, basePath: String, string: String) throws {
        let url = try UpstreamURL(parsing: text)
        #expect(url == UpstreamURL(scheme: scheme, host: host, port: port, basePath: basePath))
        #expect(url.string == string)
    }

    @Test("invalid upstream URLs", arguments: [
        ("ftp://example.com", "scheme"), ("example.com", "absolute"), ("https://user:pw@example.com", "user:password"),
        ("https://example.com/?a=1", "query"), ("https://example.com/#x", "fragment"), ("https://example.com:0", "port"),
        ("https://example.com:70000", "port"), ("https://", "host"), ("https://::1/", "brackets"), ("https://exa mple.com", "spaces"),
    ])
    func invalidURL(text: String, reason: String) {
        #expect {
            try UpstreamURL(parsing: text)
        } throws: { error in
            "\(error)".contains(reason) && !"\(error)".contains("pw")
        }
    }
}
